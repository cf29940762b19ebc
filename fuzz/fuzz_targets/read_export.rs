//! Any bytes, read as any kind of export (the first byte picks the kind), through the real
//! file path: decoding, CSV or CLIXML parsing, schema checks and row mapping. An error is a
//! fine outcome; a panic, a hang or an allocation blow-up is a bug.
#![no_main]

use std::path::PathBuf;
use std::sync::OnceLock;

use libfuzzer_sys::fuzz_target;
use xtenant::input::{InputKind, load_one};

fn scratch() -> &'static PathBuf {
    static PATH: OnceLock<PathBuf> = OnceLock::new();
    PATH.get_or_init(|| {
        let dir = if std::path::Path::new("/dev/shm").is_dir() {
            PathBuf::from("/dev/shm")
        } else {
            std::env::temp_dir()
        };
        dir.join(format!("xtenant-fuzz-{}.csv", std::process::id()))
    })
}

fuzz_target!(|data: &[u8]| {
    let Some((&pick, bytes)) = data.split_first() else {
        return;
    };
    let kind = InputKind::ALL[usize::from(pick) % InputKind::ALL.len()];
    std::fs::write(scratch(), bytes).unwrap();
    let _ = load_one(kind, scratch());
});
