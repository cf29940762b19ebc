//! Any text through the proxy-list splitter and the proxy parser. Every piece is a non-empty,
//! trimmed slice of the input, and together they are no longer than it; packed into a row's
//! `Texts`, the parsed proxies come back unchanged.
#![no_main]

use libfuzzer_sys::fuzz_target;
use xtenant::input::values::{Proxy, split_proxies};
use xtenant::model::Texts;

fuzz_target!(|data: &[u8]| {
    let Ok(cell) = std::str::from_utf8(data) else {
        return;
    };
    let pieces = split_proxies(cell);
    let total: usize = pieces.iter().map(|p| p.len()).sum();
    assert!(total <= cell.len());
    let parsed: Vec<Proxy<'_>> = pieces.iter().map(|p| Proxy::parse(p)).collect();
    let texts: Texts<1> = Texts::new([cell], parsed.iter().copied());
    assert_eq!(texts.get(0), cell);
    assert!(texts.proxies().eq(parsed.iter().copied()));
    for p in pieces {
        assert!(!p.is_empty() && p.trim() == p);
        let range = cell.as_ptr() as usize..cell.as_ptr() as usize + cell.len();
        assert!(range.contains(&(p.as_ptr() as usize)));
        let parsed = Proxy::parse(p);
        assert!(parsed.render().len() <= p.len() + 8);
    }
});
