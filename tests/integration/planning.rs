//! Waves and batches at scale: 50,000 generated users whose permissions form clusters of 2 to
//! 3,000 members. The batch files must keep Microsoft's rules and ours; re-planning after a 1%
//! change moves only the changed users and their clusters.

use std::collections::{BTreeMap, BTreeSet, HashMap};
use std::path::Path;

use xtenant::config::Config;
use xtenant::input::table::read_raw;
use xtenant::sample::{Rng, SOURCE_HEADER, Shape};

use crate::util::{Dir, rows, tenant_args};

/// Replaces the sample's permissions with clusters: chains of FullAccess (plus a few chords)
/// over runs of mailboxes, sizes 2-10 mostly, some 50-500, and a few 2,000-3,000.
fn clustered_permissions(tenant: &Path) -> Vec<Vec<String>> {
    let source = read_raw(&tenant.join("source-mailboxes.csv")).unwrap();
    let col = |n: &str| source.headers.iter().position(|h| h == n).unwrap();
    let (name, upn) = (col("Name"), col("UserPrincipalName"));
    let people: Vec<(String, String)> = source
        .rows
        .iter()
        .map(|(_, r)| (r[name].clone(), r[upn].clone()))
        .collect();
    let mut order: Vec<usize> = (0..people.len()).collect();
    let mut rng = Rng(99);
    for i in (1..order.len()).rev() {
        order.swap(i, rng.below(i + 1));
    }
    let sizes = [2, 3, 5, 8, 10, 60, 250, 500, 2_400, 3_000];
    let mut clusters = Vec::new();
    let mut at = 0;
    let mut k = 0;
    // Two-thirds of the users are in clusters; the rest stand alone.
    while at < people.len() * 2 / 3 {
        let size = if k % 97 == 0 {
            sizes[8 + (k / 97) % 2]
        } else {
            sizes[rng.below(8)]
        };
        let end = (at + size).min(people.len());
        clusters.push(order[at..end].to_vec());
        at = end;
        k += 1;
    }
    let mut lines =
        String::from("\"Identity\",\"User\",\"AccessRights\",\"IsInherited\",\"Deny\"\r\n");
    for c in &clusters {
        for w in c.windows(2) {
            lines.push_str(&format!(
                "\"{}\",\"{}\",\"FullAccess\",\"False\",\"False\"\r\n",
                people[w[0]].0, people[w[1]].1
            ));
        }
        if c.len() > 4 {
            lines.push_str(&format!(
                "\"{}\",\"{}\",\"FullAccess\",\"False\",\"False\"\r\n",
                people[c[0]].0,
                people[c[c.len() / 2]].1
            ));
        }
    }
    std::fs::write(tenant.join("mailbox-permissions.csv"), lines).unwrap();
    std::fs::write(
        tenant.join("recipient-permissions.csv"),
        "\"Identity\",\"Trustee\",\"AccessRights\"\r\n",
    )
    .unwrap();
    clusters
        .into_iter()
        .map(|c| c.into_iter().map(|i| people[i].1.clone()).collect())
        .collect()
}

/// plan.json's mailboxes: source address -> (wave, batch, cluster).
fn placements(out: &Path) -> BTreeMap<String, (String, String, String)> {
    let json: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    json["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .map(|m| {
            let s = |k: &str| m[k].as_str().unwrap().to_string();
            (
                format!("{}#{}", s("source"), s("key")),
                (s("wave"), s("batch"), s("cluster")),
            )
        })
        .collect()
}

fn check_invariants(out: &Path, statuses: &BTreeMap<String, String>) {
    // No batch over the cap, no address in two batches.
    let mut seen: HashMap<String, String> = HashMap::new();
    let mut batch_files = 0;
    for wave in std::fs::read_dir(out.join("batches"))
        .unwrap()
        .map(|e| e.unwrap().path())
        .filter(|p| p.is_dir())
    {
        for file in std::fs::read_dir(&wave).unwrap().map(|e| e.unwrap().path()) {
            batch_files += 1;
            let text = std::fs::read_to_string(&file).unwrap();
            let mut lines = text.split("\r\n").filter(|l| !l.is_empty());
            assert_eq!(lines.next(), Some("EmailAddress"), "{}", file.display());
            let addresses: Vec<&str> = lines.collect();
            assert!(
                addresses.len() <= 2000,
                "{} has {} users",
                file.display(),
                addresses.len()
            );
            for a in addresses {
                let before = seen.insert(a.to_lowercase(), file.display().to_string());
                assert!(
                    before.is_none(),
                    "{a} is in {} and {}",
                    before.unwrap(),
                    file.display()
                );
            }
        }
    }
    // Every Ready/NeedsStamping mailbox in exactly one batch, no Blocked one in any.
    let placed = placements(out);
    let moving = statuses.values().filter(|s| *s != "Blocked").count();
    assert_eq!(placed.len(), moving, "every moving mailbox is planned once");
    assert_eq!(
        seen.len(),
        moving,
        "every planned mailbox is in a batch file"
    );
    assert!(
        batch_files >= moving.div_ceil(2000),
        "{batch_files} batches for {moving} users"
    );
    for (key, status) in statuses {
        assert_eq!(
            placed.contains_key(key),
            status != "Blocked",
            "{key} is {status}"
        );
    }
    // No cluster that fits a batch is split.
    let mut clusters: BTreeMap<&str, BTreeSet<(&str, &str)>> = BTreeMap::new();
    let mut sizes: BTreeMap<&str, usize> = BTreeMap::new();
    for (wave, batch, cluster) in placed.values() {
        clusters.entry(cluster).or_default().insert((wave, batch));
        *sizes.entry(cluster).or_default() += 1;
    }
    for (cluster, batches) in &clusters {
        if sizes[cluster] <= 2000 {
            assert_eq!(
                batches.len(),
                1,
                "cluster {cluster} of {} fits a batch but is split",
                sizes[cluster]
            );
        }
    }
}

fn statuses(out: &Path) -> BTreeMap<String, String> {
    // Keyed as plan.json is: address and ExchangeGuid (two rows may share an address).
    rows(&out.join("readiness.csv"))
        .into_iter()
        .map(|r| {
            let key = if r["SourceExchangeGuid"].is_empty() {
                r["SourcePrimarySmtpAddress"].to_lowercase()
            } else {
                r["SourceExchangeGuid"].clone()
            };
            (
                format!("{}#{}", r["SourcePrimarySmtpAddress"], key),
                r["Status"].clone(),
            )
        })
        .collect()
}

#[test]
fn fifty_thousand_users_in_clusters_keep_every_batch_rule_and_replan_stably() {
    let dir = Dir::new("planning-50k");
    let tenant = dir.join("tenant");
    xtenant::sample::write(&xtenant::sample::Options::new(50_000, 5), &tenant).unwrap();
    let generated = clustered_permissions(&tenant);
    assert!(generated.iter().any(|c| c.len() >= 2_400) && generated.iter().any(|c| c.len() == 2));

    let out = dir.join("plan");
    let mut args = tenant_args(&tenant, &out);
    args.waves = Some(6);
    args.first_cutover = Some("2027-01-16".into());
    xtenant::plan(&Config::from_args(&args).unwrap()).unwrap();
    let before_status = statuses(&out);
    check_invariants(&out, &before_status);

    // Change 1% of the users: put every 100th mailbox on litigation hold.
    let source = read_raw(&tenant.join("source-mailboxes.csv")).unwrap();
    let hold = source
        .headers
        .iter()
        .position(|h| h == "LitigationHoldEnabled")
        .unwrap();
    let rows_out: Vec<Vec<String>> = source
        .rows
        .iter()
        .enumerate()
        .map(|(i, (_, r))| {
            let mut r = r.clone();
            if i % 100 == 0 {
                r[hold] = "True".into();
            }
            r
        })
        .collect();
    assert_eq!(source.headers, SOURCE_HEADER);
    std::fs::write(
        tenant.join("source-mailboxes.csv"),
        Shape::PS7.render(&SOURCE_HEADER, &rows_out),
    )
    .unwrap();

    let again = dir.join("plan-again");
    let mut args = tenant_args(&tenant, &again);
    args.waves = Some(6);
    args.first_cutover = Some("2027-01-16".into());
    args.previous_plan = Some(out.clone());
    xtenant::plan(&Config::from_args(&args).unwrap()).unwrap();
    check_invariants(&again, &statuses(&again));

    // Only the changed users and the members of their clusters may move.
    let before = placements(&out);
    let after = placements(&again);
    // The changed users are the ones that left the plan (now Blocked).
    let touched_clusters: BTreeSet<&String> = before
        .iter()
        .filter(|(k, _)| !after.contains_key(*k))
        .map(|(_, (_, _, c))| c)
        .collect();
    assert!(
        touched_clusters.len() > 100,
        "{} clusters touched",
        touched_clusters.len()
    );
    let moved: Vec<&String> = after
        .iter()
        .filter(|(k, (w, b, _))| before.get(*k).is_some_and(|(w0, b0, _)| (w0, b0) != (w, b)))
        .filter(|(k, _)| !touched_clusters.contains(&before[*k].2))
        .map(|(k, _)| k)
        .collect();
    assert!(
        moved.is_empty(),
        "{} mailboxes outside the changed clusters moved, e.g. {:?}",
        moved.len(),
        &moved[..moved.len().min(5)]
    );
    let report = rows(&again.join("replan.csv"));
    assert!(
        report.iter().any(|r| r["Why"] == "now Blocked: held back"),
        "replan.csv names who left and why"
    );
}

#[test]
fn the_pilot_is_typical_users_small_clusters_under_the_median_size() {
    let dir = Dir::new("pilot-typical");
    let out = dir.join("plan");
    xtenant::plan(&Config::from_args(&tenant_args(&crate::util::samples(), &out)).unwrap())
        .unwrap();
    let size: BTreeMap<String, u64> = rows(&out.join("readiness.csv"))
        .into_iter()
        .filter(|r| r["Status"] != "Blocked")
        .map(|r| {
            let bytes = |c: &str| r[c].parse::<u64>().unwrap_or(0);
            (
                r["SourcePrimarySmtpAddress"].clone(),
                bytes("TotalItemSizeBytes") + bytes("ArchiveSizeBytes"),
            )
        })
        .collect();
    let mut all: Vec<u64> = size.values().copied().collect();
    all.sort_unstable();
    let median = all[all.len() / 2];
    let plan: serde_json::Value =
        serde_json::from_str(&std::fs::read_to_string(out.join("plan.json")).unwrap()).unwrap();
    let pilot: Vec<&str> = plan["mailboxes"]
        .as_array()
        .unwrap()
        .iter()
        .filter(|m| m["wave"] == "W00-pilot")
        .map(|m| m["source"].as_str().unwrap())
        .collect();
    assert_eq!(pilot.len(), 50);
    for u in pilot {
        let s = size[u];
        assert!(s <= median, "{u}: {s} bytes, over the median {median}");
    }
}
