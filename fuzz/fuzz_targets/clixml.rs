//! Any text through the Export-Clixml parser: DTDs refused, nesting capped, no panic.
#![no_main]

use libfuzzer_sys::fuzz_target;

fuzz_target!(|data: &[u8]| {
    let text = String::from_utf8_lossy(data);
    let _ = xtenant::input::clixml::parse(&text);
});
