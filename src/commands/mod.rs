//! One thin module per command: each reads its settings, runs its pipeline and writes its
//! outputs; `lib.rs::run` dispatches and `main.rs` turns the outcome into an exit code.

pub mod plan;
pub mod rules;
pub mod sample;
pub mod track;
