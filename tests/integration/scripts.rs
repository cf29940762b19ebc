//! The generated PowerShell, read as an admin's reviewer would: no PowerShell runs here, so a
//! small lexer finds every cmdlet call outside strings and comments and checks the rules every
//! script keeps (-ErrorAction Stop inside a try, changes behind ShouldProcess, the run log
//! written under -WhatIf), then each script's own defects are checked on its text.

use std::collections::{BTreeMap, BTreeSet};
use std::path::Path;

use crate::util::{Dir, plan, rows, samples, tenant_args};

/// Code with strings and comments blanked (newlines kept), and the problems the scanner saw.
fn code_of(text: &str) -> (String, Vec<String>) {
    #[derive(PartialEq)]
    enum Frame {
        Code { sub: bool, parens: i32 },
        Double,
    }
    let chars: Vec<char> = text.chars().collect();
    let mut out: Vec<char> = Vec::with_capacity(chars.len());
    let mut problems = Vec::new();
    let mut stack = vec![Frame::Code {
        sub: false,
        parens: 0,
    }];
    let blank = |c: char| if c == '\n' { '\n' } else { ' ' };
    let mut i = 0;
    let line_of = |i: usize| chars[..i].iter().filter(|&&c| c == '\n').count() + 1;
    while i < chars.len() {
        let c = chars[i];
        let next = chars.get(i + 1).copied();
        match stack.last_mut().unwrap() {
            Frame::Code { sub, parens } => match c {
                '<' if next == Some('#') => {
                    let end = (i + 2..chars.len() - 1)
                        .find(|&j| chars[j] == '#' && chars[j + 1] == '>')
                        .map_or(chars.len(), |j| j + 2);
                    out.extend(chars[i..end].iter().map(|&c| blank(c)));
                    i = end;
                    continue;
                }
                '#' => {
                    let end = (i..chars.len())
                        .find(|&j| chars[j] == '\n')
                        .unwrap_or(chars.len());
                    out.extend(chars[i..end].iter().map(|&c| blank(c)));
                    i = end;
                    continue;
                }
                '@' if matches!(next, Some('"') | Some('\'')) => {
                    problems.push(format!("line {}: a here-string", line_of(i)));
                    out.push(c);
                }
                '\'' | '\u{2018}' | '\u{2019}' | '\u{201A}' | '\u{201B}' => {
                    let quote = |c: char| "'\u{2018}\u{2019}\u{201A}\u{201B}".contains(c);
                    let mut j = i + 1;
                    while j < chars.len() {
                        if quote(chars[j]) {
                            if chars.get(j + 1).is_some_and(|&n| quote(n)) {
                                j += 2;
                                continue;
                            }
                            break;
                        }
                        j += 1;
                    }
                    out.extend(chars[i..=j.min(chars.len() - 1)].iter().map(|&c| blank(c)));
                    i = j + 1;
                    continue;
                }
                '"' => {
                    out.push(' ');
                    stack.push(Frame::Double);
                }
                '`' => {
                    out.push(' ');
                    if let Some(n) = next {
                        out.push(blank(n));
                    }
                    i += 2;
                    continue;
                }
                '(' => {
                    *parens += 1;
                    out.push(c);
                }
                ')' if *sub && *parens == 0 => {
                    out.push(' ');
                    stack.pop();
                }
                ')' => {
                    *parens -= 1;
                    out.push(c);
                }
                _ => out.push(c),
            },
            Frame::Double => match c {
                '`' => {
                    out.push(' ');
                    if let Some(n) = next {
                        out.push(blank(n));
                    }
                    i += 2;
                    continue;
                }
                '"' if next == Some('"') => {
                    out.extend([' ', ' ']);
                    i += 2;
                    continue;
                }
                '"' => {
                    out.push(' ');
                    stack.pop();
                }
                '$' if next == Some('(') => {
                    out.extend([' ', ' ']);
                    stack.push(Frame::Code {
                        sub: true,
                        parens: 0,
                    });
                    i += 2;
                    continue;
                }
                '$' => {
                    // `"$name:"` reads as a drive-qualified variable and fails to parse.
                    let name: String = chars[i + 1..]
                        .iter()
                        .take_while(|c| c.is_alphanumeric() || **c == '_')
                        .collect();
                    let after = chars.get(i + 1 + name.chars().count()).copied();
                    let scopes = [
                        "script", "global", "local", "private", "using", "env", "variable",
                    ];
                    if !name.is_empty()
                        && after == Some(':')
                        && !scopes.contains(&name.to_lowercase().as_str())
                    {
                        problems.push(format!(
                            "line {}: \"${name}:\" in a string (write \"${{{name}}}:\")",
                            line_of(i)
                        ));
                    }
                    out.push(' ');
                }
                _ => out.push(blank(c)),
            },
        }
        i += 1;
    }
    if stack.len() != 1 {
        problems.push("an unterminated string or subexpression".into());
    }
    (out.into_iter().collect(), problems)
}

/// A `{` block: the statement before it (`try`, `if ($PSCmdlet.ShouldProcess(...))`, `else`...),
/// and for a `try`, whether a `catch` follows it (a try with only a `finally` handles nothing).
#[derive(Debug, Clone)]
struct Block {
    header: String,
    caught: bool,
    /// For a `catch` or `finally`, its `try`.
    try_of: Option<usize>,
    /// A `try` around the whole run (its `finally` ends the run log): its `catch` records why
    /// the run stopped and rethrows, so it handles no object's failure.
    run_level: bool,
}

/// One call of a cmdlet (or script function) found in code.
#[derive(Debug)]
struct Call {
    name: String,
    line: usize,
    /// The code of the call's line (strings blanked) and the raw line.
    code: String,
    raw: String,
    /// The enclosing blocks, outermost first (indices into `Script::blocks`).
    blocks: Vec<usize>,
}

struct Script {
    name: String,
    raw: String,
    calls: Vec<Call>,
    functions: BTreeSet<String>,
    blocks: Vec<Block>,
    /// The enclosing blocks at the start of each line (0-based).
    line_blocks: Vec<Vec<usize>>,
    problems: Vec<String>,
}

impl Script {
    fn headers<'s>(&'s self, stack: &'s [usize]) -> impl Iterator<Item = &'s str> + 's {
        stack.iter().map(|&b| self.blocks[b].header.as_str())
    }
    /// Inside a block whose header contains `text`.
    fn inside(&self, stack: &[usize], text: &str) -> bool {
        self.headers(stack).any(|h| h.contains(text))
    }
    /// Inside a `try` that has a `catch`, other than the run's own.
    fn in_try(&self, stack: &[usize]) -> bool {
        stack.iter().any(|&b| {
            let b = &self.blocks[b];
            b.header == "try" && b.caught && !b.run_level
        })
    }
    fn innermost<'s>(&'s self, stack: &[usize]) -> &'s str {
        stack.last().map_or("", |&b| self.blocks[b].header.as_str())
    }
}

fn is_verb_noun(word: &str) -> bool {
    let mut parts = word.split('-');
    let (Some(verb), Some(noun), None) = (parts.next(), parts.next(), parts.next()) else {
        return false;
    };
    let cap = |p: &str| p.chars().next().is_some_and(|c| c.is_ascii_uppercase());
    cap(verb)
        && cap(noun)
        && verb.chars().all(|c| c.is_ascii_alphabetic())
        && noun.chars().all(|c| c.is_ascii_alphanumeric())
}

fn parse(name: &str, bytes: &[u8]) -> Script {
    let text = String::from_utf8(bytes.to_vec()).unwrap();
    let mut problems = Vec::new();
    if !text.starts_with('\u{feff}') {
        problems.push("no UTF-8 BOM".into());
    }
    if text.replace("\r\n", "").contains('\n') {
        problems.push("a line not ended by CRLF".into());
    }
    let text = text.trim_start_matches('\u{feff}').replace("\r\n", "\n");
    let (code, more) = code_of(&text);
    problems.extend(more);
    let raw_lines: Vec<&str> = text.lines().collect();
    let mut calls = Vec::new();
    let mut functions = BTreeSet::new();
    let mut blocks: Vec<Block> = Vec::new();
    let mut line_blocks = Vec::new();
    let mut stack: Vec<usize> = Vec::new();
    // The block closed last at each depth, for `} catch {` to find its `try`.
    let mut closed: Vec<Option<usize>> = vec![None];
    // A block's header is the statement before its `{`, since the last `;`, `{` or `}`, or the
    // start of its line unless the line before it continues (`|`, `,`, `(`).
    let mut statement = String::new();
    for (n, line) in code.lines().enumerate() {
        line_blocks.push(stack.clone());
        let words: Vec<&str> = line
            .split(|c: char| !(c.is_ascii_alphanumeric() || c == '-' || c == '_'))
            .filter(|w| !w.is_empty())
            .collect();
        for (k, w) in words.iter().enumerate() {
            if k > 0 && words[k - 1] == "function" {
                functions.insert(w.to_string());
            } else if is_verb_noun(w) {
                calls.push(Call {
                    name: w.to_string(),
                    line: n + 1,
                    code: line.to_string(),
                    raw: raw_lines[n].to_string(),
                    blocks: stack.clone(),
                });
            }
        }
        for c in line.chars() {
            match c {
                '{' => {
                    let header = statement.trim().to_string();
                    let catch = header == "catch" || header.starts_with("catch ");
                    let try_of = if catch || header == "finally" {
                        closed[stack.len()].and_then(|c| match blocks[c].header.as_str() {
                            "try" => Some(c),
                            _ => blocks[c].try_of,
                        })
                    } else {
                        None
                    };
                    if let Some(t) = try_of.filter(|_| catch) {
                        blocks[t].caught = true;
                    }
                    blocks.push(Block {
                        header,
                        caught: false,
                        try_of,
                        run_level: false,
                    });
                    stack.push(blocks.len() - 1);
                    closed.push(None);
                    statement.clear();
                }
                '}' => {
                    closed.pop();
                    match stack.pop() {
                        Some(b) => closed[stack.len()] = Some(b),
                        None => problems.push(format!("line {}: unbalanced }}", n + 1)),
                    }
                    statement.clear();
                }
                ';' => statement.clear(),
                _ => statement.push(c),
            }
        }
        statement.push(' ');
        let continued = line.trim_end().ends_with(['|', ',', '(']);
        if !continued && !line.trim().is_empty() {
            statement.clear();
        }
    }
    if !stack.is_empty() {
        problems.push(format!("{} unclosed {{", stack.len()));
    }
    for c in calls.iter().filter(|c| c.name == "Stop-RunLog") {
        if let Some(t) = c.blocks.last().and_then(|&f| blocks[f].try_of) {
            blocks[t].run_level = true;
        }
    }
    Script {
        name: name.to_string(),
        raw: text,
        calls,
        functions,
        blocks,
        line_blocks,
        problems,
    }
}

/// Cmdlets that only compute or print: no tenant, no file, nothing to fail on.
const PURE: [&str; 16] = [
    "Write-Host",
    "Write-Warning",
    "Write-Verbose",
    "Join-Path",
    "Get-Date",
    "Where-Object",
    "ForEach-Object",
    "Select-Object",
    "Sort-Object",
    "Group-Object",
    "Measure-Object",
    "New-Object",
    "Out-Null",
    "ConvertTo-SecureString",
    "Set-StrictMode",
    "Start-Sleep",
];
/// Local files the run log writes, under -WhatIf too.
const LOG_WRITERS: [&str; 3] = ["New-Item", "Start-Transcript", "Export-Csv"];
const CHANGING_VERBS: [&str; 9] = [
    "New", "Set", "Add", "Remove", "Complete", "Start", "Enable", "Disable", "Update",
];

/// The rules every generated script keeps; returns what each breaks.
fn violations(s: &Script) -> Vec<String> {
    let mut out: Vec<String> = s.problems.clone();
    let at =
        |c: &Call, what: &str| format!("line {} ({}): {what}: {}", c.line, c.name, c.raw.trim());
    if !s
        .raw
        .contains("[CmdletBinding(SupportsShouldProcess = $true")
    {
        out.push("no [CmdletBinding(SupportsShouldProcess = $true)]: no -WhatIf".into());
    }
    for c in &s.calls {
        if s.functions.contains(&c.name) {
            continue;
        }
        if PURE.contains(&c.name.as_str()) {
            continue;
        }
        if !c.code.contains("-ErrorAction Stop") {
            out.push(at(c, "no -ErrorAction Stop"));
        }
        if !s.in_try(&c.blocks) {
            out.push(at(c, "not inside a try that catches"));
        }
        let verb = c.name.split('-').next().unwrap();
        if LOG_WRITERS.contains(&c.name.as_str()) {
            if !c.code.contains("-WhatIf:$false") {
                out.push(at(
                    c,
                    "a log writer without -WhatIf:$false (skipped under -WhatIf)",
                ));
            }
        } else if c.name == "Stop-Transcript" {
            if c.code.contains("-WhatIf") {
                out.push(at(c, "Stop-Transcript has no -WhatIf parameter"));
            }
        } else if CHANGING_VERBS.contains(&verb) && !s.inside(&c.blocks, "ShouldProcess") {
            out.push(at(c, "a change not behind $PSCmdlet.ShouldProcess"));
        }
        if c.name.starts_with("Remove-")
            || c.name.starts_with("Add-")
            || c.name == "Complete-MigrationBatch"
        {
            // These prompt on their own; the script's ShouldProcess already asked.
            if !c.code.contains("-Confirm:$false") {
                out.push(at(
                    c,
                    "no -Confirm:$false (the cmdlet would prompt per object)",
                ));
            }
        }
    }
    // A change is counted only where it was made, never under -WhatIf; one not made is WhatIf
    // only under -WhatIf (Get-NotMade), else declined at a prompt.
    for (n, line) in s.raw.lines().enumerate() {
        if line.contains("-Result 'WhatIf'") {
            out.push(format!(
                "line {}: -Result 'WhatIf' even when a prompt was declined: use Get-NotMade",
                n + 1
            ));
        }
        let counts = line.contains("$changed++") || line.contains("-Result 'Done'");
        if counts && !s.inside(&s.line_blocks[n], "ShouldProcess") {
            out.push(format!(
                "line {}: a change counted outside ShouldProcess: {}",
                n + 1,
                line.trim()
            ));
        }
    }
    fn called<'s>(s: &'s Script, name: &'s str) -> impl Iterator<Item = &'s Call> + 's {
        s.calls.iter().filter(move |c| c.name == name)
    }
    if called(s, "Start-RunLog").count() != 1 || called(s, "Stop-RunLog").count() != 1 {
        out.push("Start-RunLog and Stop-RunLog must be called once each".into());
    }
    if !called(s, "Stop-RunLog").all(|c| s.innermost(&c.blocks) == "finally") {
        out.push(
            "Stop-RunLog must run in a finally block (a stop or Ctrl+C still ends the transcript)"
                .into(),
        );
    }
    out
}

/// The samples' plan, written once per test that needs it.
fn sample_scripts(dir: &Dir) -> BTreeMap<String, Script> {
    let out = dir.join("plan");
    plan(&tenant_args(&samples(), &out));
    let mut scripts = BTreeMap::new();
    for (name, _) in xtenant::write::ps1::SCRIPTS {
        let bytes = std::fs::read(out.join("scripts").join(name)).unwrap();
        scripts.insert(name.to_string(), parse(name, &bytes));
    }
    // The track folder's scripts, by the same rules.
    let tracked = dir.join("track");
    crate::track::track(&crate::track::track_args(&samples(), &out, &tracked));
    for (name, _) in xtenant::write::ps1::TRACK_SCRIPTS {
        let bytes = std::fs::read(tracked.join("scripts").join(name)).unwrap();
        scripts.insert(name.to_string(), parse(name, &bytes));
    }
    scripts
}

#[test]
fn every_script_stops_on_errors_per_object_asks_before_changing_and_logs_under_whatif() {
    let dir = Dir::new("scripts-structure");
    let scripts = sample_scripts(&dir);
    assert_eq!(scripts.len(), 14);
    let mut all = Vec::new();
    for s in scripts.values() {
        let calls: Vec<&str> = s
            .calls
            .iter()
            .filter(|c| !PURE.contains(&c.name.as_str()) && !s.functions.contains(&c.name))
            .map(|c| c.name.as_str())
            .collect();
        assert!(calls.len() > 3, "{}: the lexer found {calls:?}", s.name);
        all.extend(
            violations(s)
                .into_iter()
                .map(|v| format!("{}: {v}", s.name)),
        );
    }
    assert!(all.is_empty(), "{}", all.join("\n"));
}

#[test]
fn the_structure_checker_catches_what_it_is_for() {
    // Each broken script must be caught: the checker is only worth what it finds.
    let good = "[CmdletBinding(SupportsShouldProcess = $true)]\nparam()\nfunction Start-RunLog { }\nfunction Stop-RunLog { }\nfunction Get-Prop { }\nStart-RunLog\ntry {\n    try {\n        if ($PSCmdlet.ShouldProcess('x', 'y')) {\n            Set-MailUser -Identity 'x' -ErrorAction Stop\n            $changed++\n        }\n    } catch { }\n} finally {\n    Stop-RunLog\n}\n";
    let check = |text: &str| {
        let bytes = format!("\u{feff}{}", text.replace('\n', "\r\n"));
        violations(&parse("t.ps1", bytes.as_bytes()))
    };
    assert_eq!(check(good), Vec::<String>::new());
    for (broken, expected) in [
        (
            good.replace(" -ErrorAction Stop", ""),
            "no -ErrorAction Stop",
        ),
        (
            good.replace("if ($PSCmdlet.ShouldProcess('x', 'y')) {", "if ($true) {"),
            "not behind $PSCmdlet.ShouldProcess",
        ),
        (
            good.replace("    try {\n", "    if ($true) {\n")
                .replace("    } catch { }\n", "    }\n"),
            "not inside a try that catches",
        ),
        (
            good.replace(
                "            $changed++\n        }\n",
                "        }\n        $changed++\n",
            ),
            "a change counted outside ShouldProcess",
        ),
        (
            good.replace(
                "} finally {\n    Stop-RunLog\n}\n",
                "} catch { }\nStop-RunLog\n",
            ),
            "finally",
        ),
        (
            good.replace(
                "Set-MailUser -Identity 'x'",
                "Set-MailUser -Identity \"$id: x\"",
            ),
            "in a string",
        ),
        (
            good.replace(
                "Set-MailUser -Identity 'x' -ErrorAction Stop",
                "Start-Transcript -Path 'x' -ErrorAction Stop",
            ),
            "-WhatIf:$false",
        ),
        (
            good.replace("[CmdletBinding(SupportsShouldProcess = $true)]", ""),
            "no -WhatIf",
        ),
        (
            // The run's own try/catch (it rethrows) handles no object's failure.
            good.replace("    try {\n", "    if ($true) {\n")
                .replace("    } catch { }\n", "    }\n")
                .replace("} finally {", "} catch {\n    throw\n} finally {"),
            "not inside a try that catches",
        ),
    ] {
        let v = check(&broken);
        assert!(
            v.iter().any(|v| v.contains(expected)),
            "expected {expected:?} in {v:?}"
        );
    }
    // Calls inside strings and comments are not calls.
    let quoted = good.replace(
        "$changed++",
        "Write-Host \"New-MailUser $(Get-Prop $x 'Remove-Item')\" # Set-Mailbox",
    );
    assert_eq!(check(&quoted), Vec::<String>::new());
}

/// Where the script holds `text` (it must).
fn position(s: &Script, text: &str) -> usize {
    s.raw
        .find(text)
        .unwrap_or_else(|| panic!("{} lacks {text:?}", s.name))
}

/// The script holds each of `texts`.
fn has(s: &Script, texts: &[&str]) {
    for t in texts {
        assert!(s.raw.contains(t), "{} lacks {t:?}", s.name);
    }
}

#[test]
fn dated_batches_are_created_started_so_they_begin_at_start_after() {
    let dir = Dir::new("scripts-autostart");
    let scripts = sample_scripts(&dir);
    let s = &scripts["New-MigrationBatches.ps1"];
    let new = s
        .calls
        .iter()
        .find(|c| c.name == "New-MigrationBatch")
        .expect("New-MigrationBatch is called");
    assert!(new.raw.contains("@params"), "{}", new.raw);
    // -AutoStart is in the splat itself, not in a branch: every batch starts, dated or not.
    let literal = &s.raw[s.raw.find("$params = @{").unwrap()..];
    let literal = &literal[..literal.find('}').unwrap()];
    assert!(
        literal.contains("AutoStart            = $true"),
        "{literal}"
    );
    assert!(
        !s.raw.contains("$params.AutoStart"),
        "AutoStart is never conditional"
    );
    has(
        s,
        &[
            "$params.StartAfter = ConvertTo-UtcTime $b.StartAfter",
            "$params.CompleteAfter = $complete",
        ],
    );
    // A cut-over in the past is refused rather than completing a batch at once.
    has(s, &["-le [datetime]::UtcNow -and -not $AllowPastCutover"]);
}

#[test]
fn a_second_batch_run_skips_batches_that_exist_and_goes_on_past_failures() {
    let dir = Dir::new("scripts-rerun-batches");
    let scripts = sample_scripts(&dir);
    let s = &scripts["New-MigrationBatches.ps1"];
    let lookup = s.raw.find("$tenantBatches = Get-TenantBatches").unwrap();
    let create = s.raw.find("New-MigrationBatch @params").unwrap();
    assert!(
        lookup < create,
        "an existing batch is looked up before creating one"
    );
    has(
        s,
        &[
            "Get-MigrationUser -BatchId $b.Batch -ResultSize Unlimited",
            "-Result 'AlreadyDone' -Detail \"exists with the same",
            "exists with other users",
        ],
    );
    // Each batch in its own try: one failure is a row, and the loop goes on.
    let per_batch = s
        .calls
        .iter()
        .find(|c| c.name == "New-MigrationBatch")
        .unwrap();
    assert!(
        s.headers(&per_batch.blocks)
            .any(|h| h.starts_with("foreach ($b in $batches)"))
    );
    assert!(s.in_try(&per_batch.blocks));
    // Find-Object trusts only an object that carries the identity (a Get- given an unknown
    // identity may return every object).
    has(
        s,
        &["$matching = @($found | Where-Object { Test-Carries $_ $Identity })"],
    );
}

#[test]
fn apply_stamping_resumes_a_half_done_mailuser_and_stamps_the_object_new_mailuser_returned() {
    let dir = Dir::new("scripts-resume");
    let scripts = sample_scripts(&dir);
    let s = &scripts["Apply-Stamping.ps1"];
    let new = s.calls.iter().find(|c| c.name == "New-MailUser").unwrap();
    // New-MailUser only when the lookup found nothing; otherwise the rest is finished.
    assert!(
        s.inside(&new.blocks, "if ($null -eq $object)"),
        "{:?}",
        s.headers(&new.blocks).collect::<Vec<_>>()
    );
    assert!(
        new.raw
            .contains("$object = New-MailUser @new -ErrorAction Stop")
    );
    has(
        s,
        &["existed already (created by an earlier run): the rest was finished"],
    );
    let lookup = s
        .raw
        .find("$object = Find-Object 'Get-MailUser' $row.Identity")
        .unwrap();
    assert!(lookup < s.raw.find("New-MailUser @new").unwrap());
    // The GUIDs go on the returned object, by its GUID, straight after New-MailUser.
    has(s, &["if ($object) { $id = Get-ObjectId $object }"]);
    let sets: Vec<&Call> = s
        .calls
        .iter()
        .filter(|c| c.name == "Set-MailUser")
        .collect();
    assert!(sets.len() >= 4);
    assert!(
        sets.iter()
            .all(|c| !c.raw.contains("-Identity $row.Identity")),
        "never looked up again by UPN after New-MailUser"
    );
    let guid_set = s.raw.find("Set-MailUser -Identity $id @guids").unwrap();
    let address_set = s
        .raw
        .find("Set-MailUser -Identity $id @addressing")
        .unwrap();
    assert!(new.line < s.raw[..guid_set].lines().count() && guid_set < address_set);
    // Only what still differs is changed, so a second run changes nothing that is done.
    has(
        s,
        &[
            "Where-Object { -not (Test-HasProxy $have $_) }",
            "\"$(Get-Prop $object $field)\" -ne $row.$field",
        ],
    );
}

#[test]
fn apply_stamping_tells_whatif_from_done_and_never_to_licence_an_unstamped_user() {
    let dir = Dir::new("scripts-licence");
    let scripts = sample_scripts(&dir);
    let s = &scripts["Apply-Stamping.ps1"];
    has(
        s,
        &[
            "function Get-Outcome([int] $Changed, [int] $WouldChange)",
            "if ($WouldChange -gt 0) { return (Get-NotMade) }",
            "if ($WhatIfPreference) { return 'WhatIf' }",
            "$complete = $guidStamped -and $wouldChange -eq 0",
            "DoNotLicense = (-not $complete)",
            "Write-Warning \"DO NOT LICENSE $($row.Identity)",
            "GROUP-BASED LICENSING",
        ],
    );
    // The run log: the transcript and results are written under -WhatIf too.
    has(
        s,
        &[
            "Start-Transcript -Path $path -WhatIf:$false",
            "Export-Csv -Path $path -NoTypeInformation -Encoding UTF8 -WhatIf:$false",
        ],
    );
}

#[test]
fn apply_stamping_removes_the_contacts_first_and_holds_back_a_mailuser_whose_contact_stays() {
    let dir = Dir::new("scripts-contacts");
    let scripts = sample_scripts(&dir);
    let s = &scripts["Apply-Stamping.ps1"];
    let at = |t: &str| position(s, t);
    // Contacts first: the stamping of the MailUsers comes after.
    assert!(
        at(
            "Remove-MailContact -Identity (Get-ObjectId $contact) -Confirm:$false -ErrorAction Stop"
        ) < at("foreach ($row in $mailUsers)")
    );
    has(
        s,
        &[
            // A second run: a contact already gone is done, not an error.
            "-Result 'AlreadyDone' -Detail 'no such contact: removed by an earlier run, by hand or on-premises'",
            // Found by its LegacyExchangeDN when its address changed, the value quoted.
            "Get-MailContact -Filter \"LegacyExchangeDN -eq '$(ConvertTo-FilterValue $c.LegacyExchangeDN)'\"",
            // A contact planned for removal that is dir-synced now holds its MailUser back; one
            // planned as dir-synced (it holds nothing stamped) does not.
            "if ($c.Action -eq 'Remove') {",
            "is dir-synced now and still there",
            // Just removed: a refused proxy is retried, on that error only.
            "catch { if (-not (Test-RetryAfterContact $_ $contactRemoved.ContainsKey($key) $attempt)) { throw }; Start-Sleep -Seconds 15 }",
            // Its groups, after the stamping; a member already there is done.
            "Add-DistributionGroupMember -Identity $g.Group -Member (Get-ObjectId $object) -BypassSecurityGroupManagerCheck -Confirm:$false -ErrorAction Stop",
            "-notmatch 'already a member|MemberAlreadyExists'",
            // Not the contact the plan saw: left alone.
            "if ($c.LegacyExchangeDN -and $dn -ne $c.LegacyExchangeDN)",
            // Its MailUser waits while it is there (declined, failed or dir-synced).
            "if ($contactLeft.ContainsKey($key))",
            "$contactLeft[$mailUserKey] = \"its contact $($c.Identity) could not be removed",
            "'Get-MailContact' { $found = @(Get-MailContact -Identity $Identity -ErrorAction Stop) }",
        ],
    );
}

#[test]
fn apply_stamping_puts_the_mailuser_back_where_its_contact_was_named_without_overwriting() {
    let dir = Dir::new("scripts-references");
    let scripts = sample_scripts(&dir);
    let s = &scripts["Apply-Stamping.ps1"];
    let at = |t: &str| position(s, t);
    // Right after the contacts go, for the MailUsers that exist; at the end for the new ones.
    let first = at("    Restore-Named $false");
    assert!(at("Remove-MailContact -Identity (Get-ObjectId $contact)") < first);
    assert!(first < at("foreach ($row in $mailUsers)"));
    assert!(at("foreach ($identity in $proxyTargets)") < at("    Restore-Named $true"));
    // By hand before any lookup: no Set- parameter exists for it; reported once, at the end.
    assert!(
        at("if ($r.Edit -eq 'ByHand' -or $r.Edit -eq 'OnPremises') {")
            < at("$holder = Find-Object \"Get-$noun\" $r.Identity")
    );
    has(
        s,
        &[
            // A second run: the MailUser already named there is done.
            "if (@($current | Where-Object { Test-Carries $mailUser $_ }).Count -gt 0) {",
            "-Result 'AlreadyDone' -Detail \"$($r.MailUser) is there\"",
            // Lists are added to, other entries untouched.
            "$change[$r.Parameter] = @{ Add = $mailUserId }",
            // A forwarding set to a recipient that exists, or a ForwardingSmtpAddress (which a
            // ForwardingAddress overrides), is not overwritten.
            "$now = Find-Object 'Get-Recipient' $current[0]",
            "$smtp = \"$(Get-Prop $holder 'ForwardingSmtpAddress')\"",
            // Handled once: the first pass leaves a MailUser not created yet to the last.
            "if ($restored.ContainsKey(\"r$i\")) { continue }",
            "if ($null -eq $mailUser -and -not $Final) { continue }",
            // What failed is said at the end, with what to keep.
            "a plan made after the contacts are gone cannot list them",
            "changed since the export; left alone",
            // A Microsoft 365 group's list is written back whole, without dangling entries.
            "if ($null -ne $found) { $keep += (Get-ObjectId $found) }",
            "$change[$r.Parameter] = @($keep + $mailUserId)",
            // Each cmdlet named in full; a distribution group as an admin who is not its owner.
            "'Set-DistributionGroup' { Set-DistributionGroup -Identity (Get-ObjectId $holder) @change -BypassSecurityGroupManagerCheck -ErrorAction Stop }",
            "'Set-UnifiedGroup' { Set-UnifiedGroup -Identity (Get-ObjectId $holder) @change -ErrorAction Stop }",
            "'Set-MailPublicFolder' { Set-MailPublicFolder -Identity (Get-ObjectId $holder) @change -ErrorAction Stop }",
            "default { throw \"unknown Cmdlet '$($r.Cmdlet)': was references.csv edited?\" }",
            "'Get-UnifiedGroup' { $found = @(Get-UnifiedGroup -Identity $Identity -ErrorAction Stop) }",
            // A MailUser this run would create under -WhatIf is not an error.
            "if ($null -eq $mailUser -and $WhatIfPreference) {",
        ],
    );
}

#[test]
fn batch_scripts_refuse_to_run_while_an_org_level_blocker_stands_unless_forced() {
    // The samples plant a migration app secret that ends before the last wave (XT008).
    let dir = Dir::new("scripts-org-blockers");
    let scripts = sample_scripts(&dir);
    for name in ["New-MigrationBatches.ps1", "Complete-MigrationBatches.ps1"] {
        let s = &scripts[name];
        has(
            s,
            &[
                "[switch] $Force,",
                "$OrgBlockers = 1\n",
                "$OrgBlockerCodes = 'XT008'\n",
                "if ($OrgBlockers -gt 0 -and -not $Force) {",
            ],
        );
        // Inside the run's try, after the run log started: the refusal is in the transcript.
        assert!(position(s, "Start-RunLog\ntry {") < position(s, "if ($OrgBlockers -gt 0"));
    }
    has(
        &scripts["New-MigrationBatches.ps1"],
        &["$MaxBatches = 100\n"],
    );
}

#[test]
fn setup_scripts_default_to_the_plans_tenants_and_prove_the_scope_took() {
    let dir = Dir::new("scripts-setup");
    let scripts = sample_scripts(&dir);
    let target = &scripts["Setup-TargetTenant.ps1"];
    has(
        target,
        &[
            "[string] $SourceTenantId = '6a150000-c0de-4000-8000-00000000c051',",
            "[string] $SourceTenantDomain = 'contoso.onmicrosoft.com',",
            "[string] $AppId = '6a150000-c0de-4000-8000-0000000a9901',",
            "[string] $RemoteServer = 'outlook.office.com',",
            // Capabilities kept, Inbound added; a warning is a failure.
            "if ($caps -notcontains 'Inbound') { $wrong += 'MailboxMoveCapability'; $caps += 'Inbound' }",
            "-MailboxMoveCapability ($caps -join ', ') -ErrorAction Stop -WarningAction Stop",
            // No direction lost: read back.
            "$lost = @(Get-LostCapabilities $identity $caps)",
            "if ($lost.Count -gt 0) { throw \"MailboxMoveCapability lacks",
            // The secret only at a prompt, and only when the endpoint is really made.
            "$secret = Read-Host -AsSecureString",
            "New-MigrationEndpoint -Name $EndpointName -ExchangeRemoteMove:$true -RemoteServer $RemoteServer -RemoteTenant $SourceTenantDomain -ApplicationId $AppId -Credentials $credential -ErrorAction Stop",
        ],
    );
    assert!(
        position(target, "if ($PSCmdlet.ShouldProcess($EndpointName")
            < position(target, "$secret = Read-Host")
    );
    assert!(
        !target.raw.contains("ConvertTo-SecureString"),
        "no secret in the script's text"
    );
    let source = &scripts["Setup-SourceTenant.ps1"];
    has(
        source,
        &[
            "[string] $TargetTenantId = '6a150000-c0de-4000-8000-00000000a751',",
            "[string] $ScopeGroup = 'T2T-Migration-Scope',",
            "New-DistributionGroup -Name $ScopeGroup -Type Security -ErrorAction Stop",
            "if ($kind -ne 'MailUniversalSecurityGroup') {",
            "-OAuthApplicationId $AppId -MailboxMovePublishedScopes $scopeId -ErrorAction Stop -WarningAction Stop",
            "Set-OrganizationRelationship -Identity $identity @change -ErrorAction Stop -WarningAction Stop",
            // Another app or scope is someone's working setup.
            "pass -Replace to replace it (members of that group then drop out of scope)",
            // No relationship without its scope group.
            "-Result 'Waiting' -Detail \"the scope group $ScopeGroup is not there",
            // An entry is resolved and compared by GUID, however the output shows it.
            "return $found.Count -eq 1 -and (Get-ObjectId $found[0]) -eq (Get-ObjectId $Group)",
            "$back = Get-OrganizationRelationship -Identity $identity -ErrorAction Stop",
            "the scope did not take",
            "Add-DistributionGroupMember -Identity (Get-ObjectId $group) -Member $mailbox -BypassSecurityGroupManagerCheck -Confirm:$false -ErrorAction Stop",
        ],
    );
}

#[test]
fn onprem_stamping_writes_guids_as_octets_and_says_a_sync_must_follow() {
    let dir = Dir::new("scripts-onprem");
    let scripts = sample_scripts(&dir);
    let s = &scripts["Apply-OnPremStamping.ps1"];
    has(
        s,
        &[
            "Import-Module ActiveDirectory -ErrorAction Stop",
            "$replace.msExchMailboxGuid = ([guid]$r.Value).ToByteArray()",
            "$replace.msExchArchiveGUID = ([guid]$r.Value).ToByteArray()",
        ],
    );
    let set = s.calls.iter().find(|c| c.name == "Set-ADUser").unwrap();
    assert!(set.raw.contains("@change"));
    for op in ["$change.Remove", "$change.Add", "$change.Replace"] {
        assert!(s.raw.contains(op), "{op}");
    }
    has(
        s,
        &[
            "A DIRECTORY SYNC MUST RUN before the batch",
            "Start-ADSyncSyncCycle -PolicyType Delta",
        ],
    );
    // The user is found by an escaped LDAP filter, and must be exactly one.
    has(
        s,
        &[
            "$value = ConvertTo-LdapValue $Identity",
            "expected exactly one",
        ],
    );
}

#[test]
fn preflight_tests_every_user_of_a_batch_and_records_each_result() {
    let dir = Dir::new("scripts-preflight");
    let scripts = sample_scripts(&dir);
    let s = &scripts["Test-MigrationAvailability.ps1"];
    let tests: Vec<&Call> = s
        .calls
        .iter()
        .filter(|c| c.name == "Test-MigrationServerAvailability")
        .collect();
    assert_eq!(tests.len(), 2, "the endpoint once, then each user");
    assert!(
        tests[1]
            .raw
            .contains("-Endpoint $SourceEndpoint -TestMailbox $u.Address")
    );
    assert!(
        s.headers(&tests[1].blocks)
            .any(|h| h.starts_with("foreach ($u in $selected)"))
    );
    assert!(
        s.in_try(&tests[1].blocks),
        "a binding error is one user's row, not the end"
    );
    for p in ["[string[]] $Wave", "[string[]] $Batch", "[int] $Sample = 0"] {
        assert!(s.raw.contains(p), "{p}");
    }
}

#[test]
fn routing_is_updated_only_for_users_whose_move_completed_in_source_and_target() {
    let dir = Dir::new("scripts-routing");
    let scripts = sample_scripts(&dir);
    for name in ["Update-SourceRouting.ps1", "Update-TargetRouting.ps1"] {
        let s = &scripts[name];
        has(
            s,
            &[
                "$completed = Get-CompletedUsers $CompletedUsers $AllUsersOfWave",
                "if ($null -ne $completed -and -not $completed.Contains($row.TargetAddress)) {",
                "Where-Object { \"$($_.Status)\" -in 'Completed', 'CompletedWithWarnings' }",
            ],
        );
    }
    let source = &scripts["Update-SourceRouting.ps1"];
    let set = source
        .calls
        .iter()
        .find(|c| c.name == "Set-RemoteMailbox")
        .unwrap();
    assert!(
        set.raw
            .contains("-RemoteRoutingAddress $row.RemoteRoutingAddress")
    );
    let target = &scripts["Update-TargetRouting.ps1"];
    let set = target
        .calls
        .iter()
        .find(|c| c.name == "Set-ADUser")
        .unwrap();
    assert!(set.raw.contains("-Replace @{ targetAddress = $want }"));
    has(target, &["$_.TargetOnPremIdentity", "Enable-RemoteMailbox"]);
    // The transcript ends on PowerShell 5.1 (no -WhatIf) and 7.4+ (-WhatIf) alike.
    has(
        target,
        &[
            "& { $WhatIfPreference = $false; $ConfirmPreference = 'None'; Stop-Transcript -ErrorAction Stop }",
        ],
    );
}

#[test]
fn permissions_are_restored_per_kind_with_wave_and_mailbox_selection() {
    let dir = Dir::new("scripts-restore");
    let scripts = sample_scripts(&dir);
    let s = &scripts["Restore-Permissions.ps1"];
    let call = |name: &str| s.calls.iter().find(|c| c.name == name).unwrap();
    assert!(
        call("Add-RecipientPermission")
            .raw
            .contains("-AccessRights SendAs")
    );
    assert!(
        call("Add-MailboxPermission")
            .raw
            .contains("-AccessRights FullAccess")
    );
    assert!(
        call("Set-Mailbox")
            .raw
            .contains("-GrantSendOnBehalfTo @{ Add = $row.Trustee }")
    );
    for p in ["[string[]] $Wave", "[string[]] $Mailbox", "$Permission"] {
        assert!(s.raw.contains(p), "{p}");
    }
    // A grant already in place is not made twice.
    for check in [
        "Get-RecipientPermission",
        "Get-MailboxPermission",
        "Get-Mailbox",
    ] {
        assert!(s.calls.iter().any(|c| c.name == check), "{check}");
    }
    has(
        s,
        &["MailUsers qualify, so the grant is made before the move"],
    );
}

/// Compares a generated file with its committed snapshot; `XTENANT_BLESS=1` rewrites it.
pub fn snapshot(name: &str, actual: &[u8]) {
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests/snapshots")
        .join(name);
    if std::env::var_os("XTENANT_BLESS").is_some() {
        std::fs::write(&path, actual).unwrap();
    }
    let expected = std::fs::read(&path).unwrap_or_default();
    assert!(
        expected == actual,
        "{} differs from the generated file; review the change and run with XTENANT_BLESS=1",
        path.display()
    );
}

/// A script with its shared fragments (common.ps1, exchange.ps1) replaced by a marker line:
/// the snapshots show each script's own text, and the fragments once each.
fn collapse(name: &str, text: &str) -> String {
    let crlf = |t: &str| t.replace('\n', "\r\n");
    let mut text = text.to_string();
    for (fragment, body) in [
        (
            "common.ps1",
            include_str!("../../src/write/templates/common.ps1"),
        ),
        (
            "exchange.ps1",
            include_str!("../../src/write/templates/exchange.ps1"),
        ),
    ] {
        let body = crlf(body);
        if text.contains(&body) {
            text = text.replace(&body, &format!("# <xtenant: {fragment}>\r\n"));
        } else {
            assert!(fragment != "common.ps1", "{name} lacks common.ps1");
        }
    }
    text
}

#[test]
fn generated_scripts_for_the_samples_match_their_snapshots() {
    let dir = Dir::new("script-snapshot");
    let out = dir.join("plan");
    plan(&tenant_args(&samples(), &out));
    for (name, _) in xtenant::write::ps1::SCRIPTS {
        let text =
            String::from_utf8(std::fs::read(out.join("scripts").join(name)).unwrap()).unwrap();
        let own = collapse(name, &text);
        snapshot(&name.replace(".ps1", ".samples.ps1"), own.as_bytes());
    }
    let head: Vec<String> = rows(&out.join("stamping/mailusers.csv"))
        .into_iter()
        .take(3)
        .map(|r| format!("{r:?}"))
        .collect();
    snapshot("mailusers.samples.head.txt", head.join("\n").as_bytes());
}

#[test]
fn track_scripts_retry_approve_and_remove_only_what_their_help_says() {
    let dir = Dir::new("track-scripts");
    let scripts = sample_scripts(&dir);
    let retry = &scripts["Start-FailedUsers.ps1"];
    // Per batch, only while a Yes user is still failed, never a batch someone stopped.
    has(
        retry,
        &[
            "Where-Object { $_.Retry -eq 'Yes' }",
            "if ($status -in 'Stopped', 'Stopping' -and -not $IncludeStopped)",
            "Get-MigrationUser -BatchId $b -StatusSummary Failed -ResultSize Unlimited -ErrorAction Stop",
            "if ($ready.Count -eq 0)",
            "Start-MigrationBatch -Identity $b -Confirm:$false -ErrorAction Stop",
        ],
    );
    let approve = &scripts["Approve-SkippedItems.ps1"];
    // Nothing approved unreviewed, nor more items than were reviewed.
    has(
        approve,
        &[
            "if (-not $Reviewed)",
            "if ($now -gt $reviewed)",
            "Set-MigrationUser -Identity $user -ApproveSkippedItems -Confirm:$false -ErrorAction Stop",
        ],
    );
    let remove = &scripts["Remove-MigrationUsers.ps1"];
    has(
        remove,
        &[
            "Get-BatchMigrationUser $user $r.ExportedBatch",
            "if ($batch -ne $r.ExportedBatch)",
            "if ($status -like 'Complet*')",
            "Remove-MigrationUser -Identity $user -Confirm:$false -ErrorAction Stop",
        ],
    );
    for s in [retry, approve, remove] {
        assert!(s.raw.contains("function Import-ActionCsv"), "{}", s.name);
    }
}
