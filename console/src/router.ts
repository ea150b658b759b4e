// Paths under /console/ without a router library: pushState plus a popstate listener. The gateway
// answers every /console/* path with index.html, so a reload or a shared link opens the same page.
import { useEffect, useState } from 'react';

export const BASE = '/console/';

export function currentPage(): string {
  const path = window.location.pathname;
  return path.startsWith(BASE) ? path.slice(BASE.length).replace(/\/$/, '') : '';
}

export function navigate(page: string): void {
  window.history.pushState(null, '', BASE + page);
  window.dispatchEvent(new PopStateEvent('popstate'));
}

export function usePage(): string {
  const [page, setPage] = useState(currentPage());
  useEffect(() => {
    const onPop = () => setPage(currentPage());
    window.addEventListener('popstate', onPop);
    return () => window.removeEventListener('popstate', onPop);
  }, []);
  return page;
}
