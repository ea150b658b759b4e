// A scenario id (x-scenario-id, an application's or grant's scenario): the same rule where the gateway
// reads it from a request and where the platform records it, so a grant can always be asked for.
export const SCENARIO_ID = /^[A-Za-z0-9][A-Za-z0-9._:-]{0,63}$/;
