import type { Migration } from '../../lib/db/migrate';
import { GENESIS_HASH } from './audit/chain';

export const MIGRATIONS: readonly Migration[] = [
  {
    version: 1,
    name: 'audit_log',
    sql: `
      -- One row per request or control action, partitioned by month (kept >= 5 years; a closed month
      -- can be exported and detached as a unit). seq orders the hash chain across every replica.
      CREATE TABLE audit_record (
        seq bigint NOT NULL,
        recorded_at timestamptz NOT NULL,
        request_id text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('query', 'control')),
        gateway_instance text NOT NULL,
        caller_kind text NOT NULL,
        operator text,
        institution text,
        roles text[] NOT NULL,
        scenario text,
        grant_ids text[] NOT NULL,
        operation_name text,
        operation_hash text,
        fields_returned text[] NOT NULL,
        fields_masked text[] NOT NULL,
        fields_denied text[] NOT NULL,
        datasets text[] NOT NULL,
        subjects text[] NOT NULL,
        decision text NOT NULL,
        error_codes text[] NOT NULL,
        latency_ms integer NOT NULL,
        prev_hash text NOT NULL,
        hash text NOT NULL,
        PRIMARY KEY (seq, recorded_at)
      ) PARTITION BY RANGE (recorded_at);
      CREATE TABLE audit_record_default PARTITION OF audit_record DEFAULT;
      CREATE INDEX audit_record_institution_idx ON audit_record (institution, recorded_at);
      CREATE INDEX audit_record_time_idx ON audit_record (recorded_at);
      CREATE INDEX audit_record_subjects_idx ON audit_record USING gin (subjects);
      CREATE INDEX audit_record_datasets_idx ON audit_record USING gin (datasets);
      CREATE TABLE audit_chain_head (id integer PRIMARY KEY CHECK (id = 1), seq bigint NOT NULL, hash text NOT NULL);
      INSERT INTO audit_chain_head VALUES (1, 0, '${GENESIS_HASH}');
    `,
  },
  {
    version: 2,
    name: 'control_plane',
    sql: `
      -- Grants (授权): the source of truth the gateways read (through /internal/policy-state).
      CREATE TABLE grant_record (
        id text PRIMARY KEY,
        grantee_kind text NOT NULL CHECK (grantee_kind IN ('institution', 'developer')),
        grantee_id text NOT NULL,
        scenario text NOT NULL,
        fields text[] NOT NULL,
        plain text[] NOT NULL DEFAULT '{}',
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'suspended', 'revoked')),
        emergency boolean NOT NULL DEFAULT false,
        application_id text,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX grant_record_grantee_idx ON grant_record (grantee_kind, grantee_id);
      -- Suspensions (暂停 / 撤回): of an institution, a developer, a grant or a dataset (share, open or both).
      CREATE TABLE suspension (
        id text PRIMARY KEY,
        target_kind text NOT NULL CHECK (target_kind IN ('institution', 'developer', 'grant', 'dataset')),
        target_id text NOT NULL,
        scope text NOT NULL DEFAULT 'both' CHECK (scope IN ('share', 'open', 'both')),
        reason text NOT NULL,
        created_by text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        lifted_at timestamptz
      );
      CREATE INDEX suspension_target_idx ON suspension (target_kind, target_id) WHERE lifted_at IS NULL;
      -- One counter for every change that can alter a decision: part of the gateways' cache keys.
      CREATE TABLE policy_version (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL);
      INSERT INTO policy_version VALUES (1, 1);
      -- Applications (一场景一申请) and every step they take, with deadlines in working days.
      CREATE TABLE application (
        id text PRIMARY KEY,
        applicant_kind text NOT NULL CHECK (applicant_kind IN ('institution', 'developer')),
        applicant_id text NOT NULL,
        operator text NOT NULL,
        purpose text NOT NULL CHECK (purpose IN ('share', 'open')),
        scenario text NOT NULL,
        scenario_name text NOT NULL,
        description text NOT NULL,
        legal_basis text,
        fields text[] NOT NULL,
        plain text[] NOT NULL DEFAULT '{}',
        provider_code text NOT NULL,
        valid_from timestamptz NOT NULL,
        valid_until timestamptz NOT NULL,
        stages text[] NOT NULL,
        stage_index integer NOT NULL DEFAULT 0,
        status text NOT NULL CHECK (status IN ('pending', 'approved', 'refused')),
        filed_at timestamptz NOT NULL,
        due_on date NOT NULL,
        decided_at timestamptz,
        refusal_basis text,
        commitment_accepted boolean NOT NULL DEFAULT false,
        agreement_accepted boolean NOT NULL DEFAULT false,
        grant_id text
      );
      CREATE INDEX application_applicant_idx ON application (applicant_kind, applicant_id);
      CREATE INDEX application_pending_idx ON application (status, due_on);
      CREATE TABLE application_step (
        application_id text NOT NULL REFERENCES application (id),
        seq integer NOT NULL,
        stage text NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL,
        due_on date,
        note text,
        PRIMARY KEY (application_id, seq)
      );
    `,
  },
  {
    version: 3,
    name: 'objections_and_data_return',
    sql: `
      -- 异议、校核: a data subject or an institution objects to a record; the provider answers within
      -- the profile's deadline, extendable once (Yunnan Art.22: 5, extendable to 10 working days).
      CREATE TABLE objection (
        id text PRIMARY KEY,
        raised_by_kind text NOT NULL CHECK (raised_by_kind IN ('subject', 'institution')),
        raised_by text NOT NULL,
        dataset text NOT NULL,
        provider_code text NOT NULL,
        record_ref text NOT NULL,
        field text,
        description text NOT NULL,
        status text NOT NULL CHECK (status IN ('open', 'answered')),
        filed_at timestamptz NOT NULL,
        due_on date NOT NULL,
        extended boolean NOT NULL DEFAULT false,
        corrected boolean,
        answer text,
        answered_at timestamptz
      );
      CREATE INDEX objection_provider_idx ON objection (provider_code, status);
      CREATE INDEX objection_raiser_idx ON objection (raised_by_kind, raised_by);
      -- 数据回流: a grant limited to the records of one administrative division (a county sees its county).
      ALTER TABLE grant_record ADD COLUMN division_scope text;
    `,
  },
  {
    version: 4,
    name: 'usage_feedback',
    sql: `
      -- 使用与质量反馈 (Guiyang Art.22: within 10 working days of delivery): one per grant and report.
      CREATE TABLE usage_feedback (
        id text PRIMARY KEY,
        grant_id text NOT NULL REFERENCES grant_record (id),
        institution text NOT NULL,
        operator text NOT NULL,
        rating integer NOT NULL CHECK (rating BETWEEN 1 AND 5),
        quality_issues text,
        use_summary text NOT NULL,
        submitted_at timestamptz NOT NULL,
        due_on date,
        late boolean NOT NULL
      );
      CREATE INDEX usage_feedback_grant_idx ON usage_feedback (grant_id);
    `,
  },
  {
    version: 5,
    name: 'registered_operation',
    sql: `
      -- Persisted-query safelist: operations an admin registered; in safelist mode gateways run only these.
      CREATE TABLE registered_operation (
        hash text PRIMARY KEY,
        name text NOT NULL,
        document text NOT NULL,
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        retired_by text,
        retired_at timestamptz,
        retire_reason text
      );
    `,
  },
  {
    version: 6,
    name: 'control_history',
    sql: `
      -- Control actions in the audit log say what they acted on and why (suspensions, revocations …).
      ALTER TABLE audit_record ADD COLUMN targets text[] NOT NULL DEFAULT '{}';
      ALTER TABLE audit_record ADD COLUMN reason text;
      -- A lifted suspension stays in the history: who lifted it and why.
      ALTER TABLE suspension ADD COLUMN lifted_by text;
      ALTER TABLE suspension ADD COLUMN lift_reason text;
    `,
  },
  {
    version: 7,
    name: 'audit_journal_mark',
    sql: `
      -- Gateways journal audit entries locally and ship them here: per journal, the highest entry
      -- number the chain holds, so a batch shipped twice (a retry, a restart after a crash) is recorded once.
      CREATE TABLE audit_journal_mark (
        journal text PRIMARY KEY,
        n bigint NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 8,
    name: 'managed_catalog',
    sql: `
      -- The catalog as managed data (Yunnan Art.12–13): the SDL gives the initial entries, then the
      -- data authority's reviewed changes are the truth. Facts as JSON: the catalog items grow with
      -- the standards (directives/catalog-entries.ts names them).
      CREATE TABLE catalog_dataset (
        code text PRIMARY KEY,
        facts jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        change_id text
      );
      CREATE TABLE catalog_field (
        coordinate text PRIMARY KEY,
        facts jsonb NOT NULL,
        updated_at timestamptz NOT NULL DEFAULT now(),
        updated_by text NOT NULL,
        change_id text
      );
      -- Bumped by every catalog change: gateways reload the catalog when the version they hold is older.
      CREATE TABLE catalog_version (id integer PRIMARY KEY CHECK (id = 1), version bigint NOT NULL);
      INSERT INTO catalog_version VALUES (1, 1);
      -- Proposed changes and their review (目录更新、审定; 共享属性异议, Yunnan Art.27).
      CREATE TABLE catalog_change (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('change', 'withdraw', 'reinstate', 'dispute')),
        coordinate text,
        dataset text NOT NULL,
        provider_code text NOT NULL,
        before jsonb NOT NULL,
        proposed jsonb NOT NULL,
        changes jsonb NOT NULL,
        direction text NOT NULL,
        reason text NOT NULL,
        widening_ground text,
        basis_changed_on date,
        proposed_by text NOT NULL,
        operator text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'returned', 'approved', 'refused', 'referred', 'cancelled')),
        filed_at timestamptz NOT NULL,
        due_on date,
        decided_by text,
        decided_at timestamptz,
        decision_note text
      );
      CREATE INDEX catalog_change_status_idx ON catalog_change (status, due_on);
      CREATE INDEX catalog_change_provider_idx ON catalog_change (provider_code, status);
      CREATE TABLE catalog_change_step (
        change_id text NOT NULL REFERENCES catalog_change (id),
        seq integer NOT NULL,
        action text NOT NULL,
        actor text NOT NULL,
        at timestamptz NOT NULL,
        due_on date,
        note text,
        PRIMARY KEY (change_id, seq)
      );
    `,
  },
  {
    version: 9,
    name: 'institution_registry',
    sql: `
      -- The registry of institutions (公共机构) and data authorities (公共数据主管部门), kept by the
      -- authorities of each area: a token is honoured only for an active entry of its credit code and
      -- division; an admin token has admin rights only for an active authority (issue 14 item 4).
      -- Version 8 is the catalog's (another change); the numbers only order the migrations.
      CREATE TABLE institution (
        credit_code text PRIMARY KEY,
        name text NOT NULL,
        division text NOT NULL,
        kind text NOT NULL CHECK (kind IN ('authority', 'institution')),
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'deregistered')),
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        register_reason text,
        deregistered_by text,
        deregistered_at timestamptz,
        deregister_reason text,
        reinstated_by text,
        reinstated_at timestamptz,
        reinstate_reason text
      );
      CREATE INDEX institution_division_idx ON institution (division text_pattern_ops);
    `,
  },
  {
    version: 10,
    name: 'levels_act',
    sql: `
      -- Reads of L4+ data (L4, IMPORTANT, CORE) are flagged: the coordinates the answer returned, plain
      -- or masked (Ganzi Art.36-37 安全审计). Older records hold none and keep their hashes.
      ALTER TABLE audit_record ADD COLUMN high_level_fields text[] NOT NULL DEFAULT '{}';
      CREATE INDEX audit_record_high_level_idx ON audit_record (recorded_at) WHERE high_level_fields <> '{}';
      -- The reason an application gives for plain (unmasked) values of L4+ fields, shown to its reviewers.
      ALTER TABLE application ADD COLUMN plain_reason text;
    `,
  },
  {
    version: 11,
    name: 'developer_portal',
    sql: `
      -- The developer portal (issue 15): apps bound to a legal entity, agreements as versioned texts and
      -- their acceptance, and API keys issued by the platform (stored only as a digest of the secret).
      CREATE TABLE developer_app (
        id text PRIMARY KEY,
        developer_id text NOT NULL,
        name text NOT NULL,
        credit_code text NOT NULL,
        status text NOT NULL DEFAULT 'active' CHECK (status IN ('active', 'withdrawn')),
        created_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (developer_id, name)
      );
      -- Yunnan Art.35: a conditional-open applicant signs the security commitment and the use
      -- agreement on the platform. A text is never changed: a new version is a new row, and the
      -- newest version of each kind is the one in force (accepted again by everyone).
      CREATE TABLE agreement (
        kind text NOT NULL CHECK (kind IN ('security-commitment', 'use-agreement')),
        version text NOT NULL,
        title text NOT NULL,
        body text NOT NULL,
        published_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (kind, version)
      );
      CREATE TABLE agreement_acceptance (
        developer_id text NOT NULL,
        kind text NOT NULL,
        version text NOT NULL,
        accepted_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (developer_id, kind, version),
        FOREIGN KEY (kind, version) REFERENCES agreement (kind, version)
      );
      CREATE TABLE api_key (
        id text PRIMARY KEY,
        app_id text NOT NULL REFERENCES developer_app (id),
        developer_id text NOT NULL,
        name text NOT NULL,
        prefix text NOT NULL,
        -- SHA-256 of the key's random secret (protocol/api-key.ts); the key itself is never stored.
        secret_hash text NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        last_used_at timestamptz,
        -- Set by a rotation: the old key keeps working until then, beside its successor.
        expires_at timestamptz,
        replaced_by text,
        revoked_at timestamptz,
        revoked_by text,
        revoke_reason text
      );
      CREATE INDEX api_key_developer_idx ON api_key (developer_id, created_at);
      INSERT INTO agreement (kind, version, title, body) VALUES
        ('security-commitment', '1', '公共数据开放安全承诺书',
         '本开发者（及其应用所属法人）承诺：一、依照《云南省公共数据管理办法（试行）》第三十五条，仅通过公共数据平台获取有条件开放公共数据，并按经审核同意的用途、范围和期限使用；二、采取必要的管理和技术措施保障数据安全，不以任何方式尝试重新识别已脱敏的个人信息，不向第三方提供或转让所获取的数据及API密钥；三、API密钥仅存于服务端并妥善保管，发现泄露立即在开发者门户吊销；四、接受平台对调用的留痕审计和监督检查，发生数据安全事件立即报告并配合处置；五、违反本承诺的，平台可暂停或终止开放，并依法追究责任。'),
        ('use-agreement', '1', '公共数据开放利用协议',
         '一、数据提供单位经审核同意后，通过公共数据平台向申请人开放所申请的有条件开放公共数据（《云南省公共数据管理办法（试行）》第三十五条；《昆明市公共数据管理办法》第十九条）；二、申请人应在协议约定的场景、字段和有效期内利用数据，用于公共治理、公益事业的按有关规定有条件无偿使用（《昆明市公共数据管理办法》第二十二条）；三、申请人不得将数据用于约定以外的目的，不得超出授权范围加工、传播；四、数据提供单位有权了解数据利用情况，申请人应如实反馈；五、数据主体认为开放的数据侵犯其权益而提出撤回要求的，申请人应配合中止利用（《云南省公共数据管理办法（试行）》第三十六条）；六、协议以平台记录的接受时间和版本为准，新版本发布后须重新接受方可继续申请密钥。');
    `,
  },
  {
    version: 12,
    name: 'console_gaps',
    sql: `
      -- Who published each agreement's version (an admin, through publishAgreement); the seeded
      -- first versions have none.
      ALTER TABLE agreement ADD COLUMN published_by text;
      -- Emergency grants (Ganzi Art.38): the purpose is kept with the grant, the providers whose fields
      -- it covers get a notice of purpose, fields and period, and an admin reviews the grant once it
      -- has expired (justified or not), recorded once.
      ALTER TABLE grant_record ADD COLUMN emergency_purpose text;
      CREATE TABLE emergency_notice (
        grant_id text NOT NULL REFERENCES grant_record (id),
        provider_code text NOT NULL,
        fields text[] NOT NULL,
        notified_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (grant_id, provider_code)
      );
      CREATE INDEX emergency_notice_provider_idx ON emergency_notice (provider_code, notified_at);
      CREATE TABLE emergency_review (
        grant_id text PRIMARY KEY REFERENCES grant_record (id),
        outcome text NOT NULL CHECK (outcome IN ('justified', 'unjustified')),
        note text NOT NULL,
        reviewed_by text NOT NULL,
        reviewed_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 13,
    name: 'delivery_deadlines',
    sql: `
      -- Delivery after approval (Yunnan Art.29 ¶2: 同意共享的……在答复之日起5个工作日内完成数据共享):
      -- its due date, set at approval from the profile's *Delivery entry, and when the provider completed it.
      ALTER TABLE application ADD COLUMN delivery_due_on date;
      ALTER TABLE application ADD COLUMN delivered_at timestamptz;
      CREATE INDEX application_delivery_idx ON application (status, delivery_due_on);
      -- A stage with no statutory deadline has no due day (Guiyang-Gui'an Art.22 ¶2: the big-data
      -- department's review).
      ALTER TABLE application ALTER COLUMN due_on DROP NOT NULL;
      -- An objection lodged with the data authority, which forwards it to the institution within 2
      -- working days (Yunnan Art.22 ¶2): 'forwarding' until then, due_on the forwarding's due day.
      ALTER TABLE objection DROP CONSTRAINT objection_status_check;
      ALTER TABLE objection ADD CONSTRAINT objection_status_check CHECK (status IN ('forwarding', 'open', 'answered'));
      ALTER TABLE objection ADD COLUMN through_authority boolean NOT NULL DEFAULT false;
      ALTER TABLE objection ADD COLUMN forwarded_at timestamptz;
      -- Withdrawal of open data (Yunnan Art.36 ¶2): notice to the developers using it, and 复核 by the authority.
      CREATE TABLE withdrawal_notice (
        suspension_id text NOT NULL REFERENCES suspension (id),
        grant_id text NOT NULL,
        developer_id text NOT NULL,
        noticed_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (suspension_id, grant_id)
      );
      CREATE INDEX withdrawal_notice_developer_idx ON withdrawal_notice (developer_id);
      CREATE TABLE withdrawal_review (
        id text PRIMARY KEY,
        suspension_id text NOT NULL REFERENCES suspension (id),
        requested_by text NOT NULL,
        reason text NOT NULL,
        status text NOT NULL CHECK (status IN ('pending', 'upheld', 'reversed')),
        requested_at timestamptz NOT NULL DEFAULT now(),
        decided_by text,
        decision_note text,
        decided_at timestamptz
      );
    `,
  },
  {
    version: 14,
    name: 'demands_returns_incidents',
    sql: `
      -- 需求清单 (Yunnan Art.28 ¶2, Kunming Art.16 ¶2, Guiyang Art.22 ¶5, Ganzi Art.21): an institution's
      -- demand for data the catalog does not list, and its answer. due_on is null where the profile
      -- sets no day count.
      CREATE TABLE data_demand (
        id text PRIMARY KEY,
        institution text NOT NULL,
        operator text NOT NULL,
        provider_code text,
        description text NOT NULL,
        need_basis text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'agreed', 'declined')),
        filed_at timestamptz NOT NULL,
        due_on date,
        answer text,
        answered_by text,
        answered_at timestamptz
      );
      CREATE INDEX data_demand_pending_idx ON data_demand (due_on) WHERE status = 'pending';
      -- 数据回流 (Yunnan Art.18): a lower-level body's request for a higher-level provider's data about its
      -- own division; an approval is the grant grant_id, scoped to division_scope (the requester's).
      CREATE TABLE data_return (
        id text PRIMARY KEY,
        institution text NOT NULL,
        operator text NOT NULL,
        provider_code text NOT NULL,
        scenario text NOT NULL,
        fields text[] NOT NULL,
        division_scope text NOT NULL,
        reason text NOT NULL,
        valid_until timestamptz NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'approved', 'refused')),
        filed_at timestamptz NOT NULL,
        due_on date NOT NULL,
        answer text,
        answered_by text,
        answered_at timestamptz,
        grant_id text
      );
      CREATE INDEX data_return_pending_idx ON data_return (due_on) WHERE status = 'pending';
      -- Ganzi Art.18 ¶2: what a conditional-share application states besides its scenario and basis.
      ALTER TABLE application ADD COLUMN business_goal text;
      ALTER TABLE application ADD COLUMN security_measures text;
      -- 数据安全事件 (Yunnan Art.43(8), Ganzi Art.37): who reported what on which datasets, the providers
      -- it concerns, and the grants its report suspended.
      CREATE TABLE security_incident (
        id text PRIMARY KEY,
        institution text NOT NULL,
        reported_by text NOT NULL,
        description text NOT NULL,
        datasets text[] NOT NULL,
        provider_codes text[] NOT NULL,
        suspended_grants text[] NOT NULL,
        reported_at timestamptz NOT NULL DEFAULT now()
      );
    `,
  },
  {
    version: 15,
    name: 'corrections_risk_purpose',
    sql: `
      -- A provider's confirmed correction of its record, field by field (Yunnan Art.22): the history the
      -- objection shows, values masked as the catalog masks the field.
      CREATE TABLE record_correction (
        id text PRIMARY KEY,
        objection_id text NOT NULL REFERENCES objection (id),
        field text NOT NULL,
        old_value_masked text,
        new_value_masked text,
        corrected_by text NOT NULL,
        corrected_at timestamptz NOT NULL
      );
      CREATE INDEX record_correction_objection_idx ON record_correction (objection_id);
      -- Risk review of a grant that would join personal data across datasets (Yunnan Art.44, Kunming
      -- Art.27): required at filing, recorded by the data authority before any approval.
      ALTER TABLE application ADD COLUMN risk_review text CHECK (risk_review IN ('required', 'acceptable', 'unacceptable'));
      ALTER TABLE application ADD COLUMN risk_reasons text[];
      ALTER TABLE application ADD COLUMN risk_note text;
      ALTER TABLE application ADD COLUMN risk_reviewed_by text;
      ALTER TABLE application ADD COLUMN risk_reviewed_at timestamptz;
      -- Purpose binding (Guiyang Art.23, Ganzi Art.19): the applicant's undertaking (no other purpose
      -- without the provider's consent, no onward transfer), purpose changes the provider decides, and
      -- the periodic review of the use of each grant.
      ALTER TABLE application ADD COLUMN purpose_undertaking_at timestamptz;
      CREATE TABLE purpose_change (
        id text PRIMARY KEY,
        grant_id text NOT NULL,
        institution text NOT NULL,
        provider_code text NOT NULL,
        old_scenario text NOT NULL,
        new_scenario text NOT NULL,
        reason text NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'consented', 'refused')),
        requested_by text NOT NULL,
        requested_at timestamptz NOT NULL,
        decided_by text,
        decision_note text,
        decided_at timestamptz
      );
      CREATE INDEX purpose_change_grant_idx ON purpose_change (grant_id);
      CREATE TABLE grant_use_review (
        grant_id text NOT NULL,
        reviewed_by text NOT NULL,
        note text NOT NULL,
        reviewed_at timestamptz NOT NULL
      );
      CREATE INDEX grant_use_review_grant_idx ON grant_use_review (grant_id, reviewed_at);
    `,
  },
  {
    version: 16,
    name: 'authorized_operation',
    sql: `
      -- 授权运营 (seed 001; Yunnan Art.37–39). Parties: 实施机构, 运营机构, 开发主体 by credit code; account is
      -- who acts for it on the platform (an institution's credit code, a developer's account id).
      CREATE TABLE ao_party (
        id text PRIMARY KEY,
        kind text NOT NULL CHECK (kind IN ('IMPLEMENTING_AGENCY', 'OPERATOR', 'DEVELOPER')),
        name text NOT NULL,
        credit_code text NOT NULL,
        account text NOT NULL,
        registered_by text NOT NULL,
        registered_at timestamptz NOT NULL DEFAULT now(),
        UNIQUE (kind, credit_code)
      );
      CREATE INDEX ao_party_account_idx ON ao_party (account);
      -- 运营协议 (seed 001 【运营机构选择】): scope (datasets, fields), products, security; at most 5 years.
      CREATE TABLE ao_operation_agreement (
        id text PRIMARY KEY,
        agency_id text NOT NULL REFERENCES ao_party (id),
        operator_id text NOT NULL REFERENCES ao_party (id),
        datasets text[] NOT NULL,
        fields text[] NOT NULL,
        products text[] NOT NULL,
        security_requirements text NOT NULL,
        term_months int NOT NULL,
        signed_by text NOT NULL,
        signed_at timestamptz NOT NULL DEFAULT now(),
        ends_at timestamptz NOT NULL,
        terminated_at timestamptz,
        termination_reason text
      );
      -- 开发利用协议 (seed 001 【开发主体选择】): selected, published (公示) at least 5 working days, signed;
      -- at most 3 years. fee_fen[i] is the operation-service fee per call of products[i], in fen.
      CREATE TABLE ao_development_agreement (
        id text PRIMARY KEY,
        operation_agreement_id text NOT NULL REFERENCES ao_operation_agreement (id),
        operator_id text NOT NULL REFERENCES ao_party (id),
        developer_id text NOT NULL REFERENCES ao_party (id),
        purpose text NOT NULL CHECK (purpose IN ('PUBLIC_GOVERNANCE', 'PUBLIC_WELFARE', 'INDUSTRY_DEVELOPMENT')),
        scenario text NOT NULL,
        rights text NOT NULL,
        exit_terms text NOT NULL,
        products text[] NOT NULL,
        fee_fen int[] NOT NULL,
        term_months int NOT NULL,
        selected_by text NOT NULL,
        selected_at timestamptz NOT NULL DEFAULT now(),
        published_at timestamptz,
        signed_at timestamptz,
        ends_at timestamptz,
        grant_id text,
        terminated_at timestamptz,
        termination_reason text
      );
      CREATE INDEX ao_development_agreement_developer_idx ON ao_development_agreement (developer_id);
      -- 产品和服务审查: a developer's product, the operator's findings per point, publication.
      CREATE TABLE ao_product (
        id text PRIMARY KEY,
        agreement_id text NOT NULL REFERENCES ao_development_agreement (id),
        name text NOT NULL,
        kind text NOT NULL,
        coordinate text,
        description text NOT NULL,
        status text NOT NULL DEFAULT 'submitted' CHECK (status IN ('submitted', 'rejected', 'publishable', 'published')),
        submitted_at timestamptz NOT NULL DEFAULT now(),
        reviewed_by text,
        reviewed_at timestamptz,
        published_at timestamptz
      );
      CREATE TABLE ao_product_finding (
        product_id text NOT NULL REFERENCES ao_product (id),
        point text NOT NULL,
        passed boolean NOT NULL,
        note text NOT NULL,
        PRIMARY KEY (product_id, point)
      );
      -- 黑名单 (seed 001 【产品和服务开发】 ¶4), 评估 (【工作评估】), 数据校核 (【数据质量管理】).
      CREATE TABLE ao_blacklist_entry (
        id text PRIMARY KEY,
        party_id text NOT NULL REFERENCES ao_party (id),
        measure text NOT NULL CHECK (measure IN ('WARNING', 'SUSPENSION', 'CANCELLATION', 'EXCLUSION')),
        reason text NOT NULL,
        until_on date,
        entered_by text NOT NULL,
        entered_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE INDEX ao_blacklist_entry_party_idx ON ao_blacklist_entry (party_id);
      CREATE TABLE ao_evaluation (
        id text PRIMARY KEY,
        party_id text NOT NULL REFERENCES ao_party (id),
        outcome text NOT NULL CHECK (outcome IN ('PASSED', 'FAILED', 'RECTIFY')),
        note text NOT NULL,
        rectification_due_on date,
        evaluated_by text NOT NULL,
        evaluated_at timestamptz NOT NULL DEFAULT now()
      );
      CREATE TABLE ao_quality_correction (
        id text PRIMARY KEY,
        operator_id text NOT NULL REFERENCES ao_party (id),
        provider_code text NOT NULL,
        dataset text NOT NULL,
        description text NOT NULL,
        filed_by text NOT NULL,
        filed_at timestamptz NOT NULL DEFAULT now(),
        due_on date NOT NULL,
        answer text,
        answered_by text,
        answered_at timestamptz
      );
    `,
  },
  {
    version: 17,
    name: 'open_data_demands_agreement_ends',
    sql: `
      -- Ganzi Art.27: the public (developers) file demands for data not yet open, as institutions file
      -- demand lists; who filed says which.
      ALTER TABLE data_demand ADD COLUMN filer_kind text NOT NULL DEFAULT 'institution' CHECK (filer_kind IN ('institution', 'developer'));
      -- Yunnan Art.45 ¶2 (撤销账号), Yunnan-AO 开发利用要求(五) (关闭开发主体的平台权限): a developer's
      -- agreements ended by the authority; its acceptances then count no more, and each ending is kept.
      ALTER TABLE agreement_acceptance ADD COLUMN ended_at timestamptz;
      CREATE TABLE agreement_end (
        id text PRIMARY KEY,
        developer_id text NOT NULL,
        reason text NOT NULL,
        ended_by text NOT NULL,
        ended_at timestamptz NOT NULL,
        grants_revoked text[] NOT NULL,
        keys_revoked text[] NOT NULL
      );
      CREATE INDEX agreement_end_developer_idx ON agreement_end (developer_id);
    `,
  },
];
