//! Reading our own export back: `Patient`, `QuestionnaireResponse` and `Flag` (the
//! importer of the round trip; see `docs/fhir.md`).
