// @generated from the migrations; `cargo test schema_rs_matches_migrations` checks it on both backends.

diesel::table! {
    addenda (id) {
        id -> Text,
        assessment_id -> Text,
        author_id -> Text,
        body -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    appointments (id) {
        id -> Text,
        patient_id -> Text,
        practitioner_id -> Text,
        starts_at -> Timestamp,
        minutes -> Integer,
        kind -> Text,
        status -> Text,
        arrived_at -> Nullable<Timestamp>,
        created_at -> Timestamp,
        updated_at -> Timestamp,
    }
}

diesel::table! {
    assessments (id) {
        id -> Text,
        patient_id -> Text,
        practitioner_id -> Text,
        visit_date -> Date,
        status -> Text,
        version -> Integer,
        content -> Text,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        signed_at -> Nullable<Timestamp>,
        signed_by -> Nullable<Text>,
        content_hash -> Nullable<Text>,
    }
}

diesel::table! {
    audit_events (seq) {
        seq -> BigInt,
        at -> Timestamp,
        actor_id -> Nullable<Text>,
        actor_role -> Nullable<Text>,
        action -> Text,
        entity -> Text,
        entity_id -> Nullable<Text>,
        patient_id -> Nullable<Text>,
        outcome -> Text,
        ip -> Nullable<Text>,
        detail -> Nullable<Text>,
        prev_hash -> Text,
        hash -> Text,
    }
}

diesel::table! {
    audit_head (id) {
        id -> Integer,
        seq -> BigInt,
        hash -> Text,
    }
}

diesel::table! {
    consents (id) {
        id -> Text,
        patient_id -> Text,
        kind -> Text,
        text_version -> Text,
        signed_name -> Text,
        signed_at -> Timestamp,
        ip -> Nullable<Text>,
        intake_id -> Nullable<Text>,
        witnessed_by -> Nullable<Text>,
    }
}

diesel::table! {
    counters (name) {
        name -> Text,
        value -> BigInt,
    }
}

diesel::table! {
    flag_narrowings (id) {
        id -> Text,
        flag_id -> Text,
        regions_before -> Text,
        regions_after -> Text,
        reason -> Text,
        narrowed_by -> Text,
        narrowed_at -> Timestamp,
    }
}

diesel::table! {
    flag_referrals (id) {
        id -> Text,
        flag_id -> Text,
        referred_to -> Text,
        method -> Text,
        referred_on -> Date,
        note -> Nullable<Text>,
        referred_by -> Text,
        recorded_at -> Timestamp,
    }
}

diesel::table! {
    flag_sources (id) {
        id -> Text,
        flag_id -> Text,
        origin -> Text,
        source_id -> Nullable<Text>,
        basis -> Text,
        evidence -> Text,
        added_at -> Timestamp,
    }
}

diesel::table! {
    flags (id) {
        id -> Text,
        patient_id -> Text,
        code -> Text,
        kind -> Text,
        level -> Text,
        techniques -> Text,
        regions -> Text,
        source -> Text,
        source_id -> Nullable<Text>,
        reason -> Text,
        rule_source -> Text,
        status -> Text,
        raised_at -> Timestamp,
        raised_by -> Nullable<Text>,
        acknowledged_at -> Nullable<Timestamp>,
        acknowledged_by -> Nullable<Text>,
        resolved_at -> Nullable<Timestamp>,
        resolved_by -> Nullable<Text>,
        resolution -> Nullable<Text>,
        basis -> Text,
        evidence -> Text,
        region_unknown -> Bool,
        confirmed_at -> Nullable<Timestamp>,
        confirmed_by -> Nullable<Text>,
        resolved_as -> Nullable<Text>,
    }
}

diesel::table! {
    intake_conditions (intake_id, code) {
        intake_id -> Text,
        code -> Text,
        answer -> Text,
        details -> Nullable<Text>,
    }
}

diesel::table! {
    intake_form_progress (intake_id) {
        intake_id -> Text,
        steps_done -> Text,
        signed_name -> Nullable<Text>,
        consent_agreed -> Bool,
    }
}

diesel::table! {
    intake_invitations (id) {
        id -> Text,
        patient_id -> Text,
        appointment_id -> Nullable<Text>,
        token_hash -> Text,
        sent_to -> Text,
        created_by -> Nullable<Text>,
        created_at -> Timestamp,
        last_sent_at -> Timestamp,
        expires_at -> Timestamp,
        opened_at -> Nullable<Timestamp>,
        started_at -> Nullable<Timestamp>,
        submitted_at -> Nullable<Timestamp>,
        revoked_at -> Nullable<Timestamp>,
        entered_in_session -> Nullable<Text>,
    }
}

diesel::table! {
    intake_red_flags (intake_id, code) {
        intake_id -> Text,
        code -> Text,
        present -> Bool,
        answer -> Text,
    }
}

diesel::table! {
    intakes (id) {
        id -> Text,
        patient_id -> Text,
        invitation_id -> Nullable<Text>,
        entered_by -> Nullable<Text>,
        status -> Text,
        chief_complaint -> Nullable<Text>,
        onset -> Nullable<Text>,
        mechanism -> Nullable<Text>,
        pain_now -> Nullable<Integer>,
        pain_worst -> Nullable<Integer>,
        pain_quality -> Nullable<Text>,
        pain_pattern -> Nullable<Text>,
        radiates -> Nullable<Bool>,
        radiation -> Nullable<Text>,
        aggravating -> Nullable<Text>,
        relieving -> Nullable<Text>,
        earlier_episodes -> Nullable<Bool>,
        earlier_treatment -> Nullable<Text>,
        goals -> Nullable<Text>,
        other_conditions -> Nullable<Text>,
        contact_phone -> Nullable<Text>,
        contact_email -> Nullable<Text>,
        contact_address_line1 -> Nullable<Text>,
        contact_city -> Nullable<Text>,
        contact_postal_code -> Nullable<Text>,
        contact_emergency_name -> Nullable<Text>,
        contact_emergency_phone -> Nullable<Text>,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        submitted_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    login_throttles (throttle_key) {
        throttle_key -> Text,
        failures -> Integer,
        last_failure_at -> Timestamp,
        locked_until -> Nullable<Timestamp>,
    }
}

diesel::table! {
    medications (id) {
        id -> Text,
        intake_id -> Text,
        name -> Text,
        dose -> Nullable<Text>,
        reason -> Nullable<Text>,
    }
}

diesel::table! {
    one_time_tokens (id) {
        id -> Text,
        token_hash -> Text,
        purpose -> Text,
        user_id -> Nullable<Text>,
        created_at -> Timestamp,
        expires_at -> Timestamp,
        used_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    outbox (id) {
        id -> Text,
        to_address -> Text,
        template -> Text,
        subject -> Text,
        body_text -> Text,
        body_html -> Text,
        created_at -> Timestamp,
        attempts -> Integer,
        next_attempt_at -> Timestamp,
        claimed_until -> Nullable<Timestamp>,
        sent_at -> Nullable<Timestamp>,
        last_error -> Nullable<Text>,
        dead_at -> Nullable<Timestamp>,
    }
}

diesel::table! {
    pain_regions (intake_id, region) {
        intake_id -> Text,
        region -> Text,
    }
}

diesel::table! {
    patient_name_tokens (token, patient_id) {
        token -> Text,
        patient_id -> Text,
    }
}

diesel::table! {
    patients (id) {
        id -> Text,
        chart_number -> Text,
        given_name -> Text,
        family_name -> Text,
        preferred_name -> Nullable<Text>,
        date_of_birth -> Date,
        sex -> Text,
        email -> Nullable<Text>,
        phone -> Nullable<Text>,
        phone_digits -> Nullable<Text>,
        address_line1 -> Nullable<Text>,
        address_line2 -> Nullable<Text>,
        city -> Nullable<Text>,
        province -> Nullable<Text>,
        postal_code -> Nullable<Text>,
        emergency_contact_name -> Nullable<Text>,
        emergency_contact_phone -> Nullable<Text>,
        emergency_contact_relationship -> Nullable<Text>,
        occupation -> Nullable<Text>,
        name_key -> Text,
        version -> Integer,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        archived_at -> Nullable<Timestamp>,
        phone_ending -> Nullable<Text>,
    }
}

diesel::table! {
    server_secrets (name) {
        name -> Text,
        secret -> Text,
        created_at -> Timestamp,
    }
}

diesel::table! {
    sessions (id) {
        id -> Text,
        token_hash -> Text,
        user_id -> Text,
        kind -> Text,
        csrf_token -> Text,
        created_at -> Timestamp,
        last_seen_at -> Timestamp,
        expires_at -> Timestamp,
        ip -> Nullable<Text>,
    }
}

diesel::table! {
    surgeries (id) {
        id -> Text,
        intake_id -> Text,
        procedure_name -> Text,
        year -> Nullable<Integer>,
    }
}

diesel::table! {
    trusted_devices (token_hash) {
        token_hash -> Text,
        user_id -> Text,
        created_at -> Timestamp,
        last_used_at -> Timestamp,
    }
}

diesel::table! {
    users (id) {
        id -> Text,
        email -> Text,
        name -> Text,
        role -> Text,
        licence_number -> Nullable<Text>,
        password_hash -> Text,
        active -> Bool,
        created_at -> Timestamp,
        updated_at -> Timestamp,
        password_changed_at -> Timestamp,
    }
}

diesel::joinable!(addenda -> assessments (assessment_id));
diesel::joinable!(addenda -> users (author_id));
diesel::joinable!(appointments -> patients (patient_id));
diesel::joinable!(appointments -> users (practitioner_id));
diesel::joinable!(assessments -> patients (patient_id));
diesel::joinable!(consents -> intakes (intake_id));
diesel::joinable!(consents -> patients (patient_id));
diesel::joinable!(consents -> users (witnessed_by));
diesel::joinable!(flag_narrowings -> flags (flag_id));
diesel::joinable!(flag_narrowings -> users (narrowed_by));
diesel::joinable!(flag_referrals -> flags (flag_id));
diesel::joinable!(flag_referrals -> users (referred_by));
diesel::joinable!(flag_sources -> flags (flag_id));
diesel::joinable!(flags -> patients (patient_id));
diesel::joinable!(intake_conditions -> intakes (intake_id));
diesel::joinable!(intake_form_progress -> intakes (intake_id));
diesel::joinable!(intake_invitations -> appointments (appointment_id));
diesel::joinable!(intake_invitations -> patients (patient_id));
diesel::joinable!(intake_invitations -> users (created_by));
diesel::joinable!(intake_red_flags -> intakes (intake_id));
diesel::joinable!(intakes -> intake_invitations (invitation_id));
diesel::joinable!(intakes -> patients (patient_id));
diesel::joinable!(intakes -> users (entered_by));
diesel::joinable!(medications -> intakes (intake_id));
diesel::joinable!(one_time_tokens -> users (user_id));
diesel::joinable!(pain_regions -> intakes (intake_id));
diesel::joinable!(patient_name_tokens -> patients (patient_id));
diesel::joinable!(sessions -> users (user_id));
diesel::joinable!(surgeries -> intakes (intake_id));
diesel::joinable!(trusted_devices -> users (user_id));

diesel::allow_tables_to_appear_in_same_query!(
    addenda,
    appointments,
    assessments,
    audit_events,
    audit_head,
    consents,
    counters,
    flag_narrowings,
    flag_referrals,
    flag_sources,
    flags,
    intake_conditions,
    intake_form_progress,
    intake_invitations,
    intake_red_flags,
    intakes,
    login_throttles,
    medications,
    one_time_tokens,
    outbox,
    pain_regions,
    patient_name_tokens,
    patients,
    server_secrets,
    sessions,
    surgeries,
    trusted_devices,
    users,
);
