//! `xtenant sample`: writes the generated tenants (and their migration status) into a folder,
//! refusing a folder of real exports unless `--force`.

use crate::Outcome;
use crate::cli::{GrantsArg, SampleArgs};
use crate::error::Result;
use crate::{progress, sample};

pub fn run(args: &SampleArgs) -> Result<Outcome> {
    let grants = match args.grants {
        GrantsArg::Clustered => sample::Grants::Clustered,
        GrantsArg::Scattered => sample::Grants::Scattered,
    };
    let mut options = sample::Options::new(args.users, args.seed)
        .with_extra_permissions(args.extra_permissions)
        .with_grants(grants)
        .with_utf8(args.utf8);
    if let Some(n) = args.other_recipients {
        options = options.with_other_recipients(n);
    }
    if !args.force {
        sample::refuse_foreign(&args.out)?;
    }
    let stage = progress::Progress::new(args.quiet).measured("sample", "mailboxes", 0);
    let written = sample::write(&options, &args.out)?;
    stage.done(args.users);
    eprintln!("wrote {} files to {}", written.len(), args.out.display());
    Ok(Outcome::default())
}
