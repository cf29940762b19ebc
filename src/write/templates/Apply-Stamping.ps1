<#
.SYNOPSIS
Applies xtenant's stamping in the TARGET tenant: removes the GAL-sync contacts that stand for
the people it stamps, creates the missing MailUsers and stamps ExchangeGuid, ArchiveGuid,
addresses and x500/X400 proxies on every target MailUser.

.DESCRIPTION
Written by xtenant for the plan in this folder: !MAILUSER_ROWS! MailUser rows (stamping\mailusers.csv),
!PROXY_ROWS! proxy rows (stamping\x500.csv), !CONTACT_ROWS! contact rows (stamping\contacts.csv),
!GROUP_ROWS! group memberships (stamping\group-members.csv) and !REFERENCE_ROWS! references
(stamping\references.csv).
Run it in Exchange Online PowerShell connected to the target tenant (Connect-ExchangeOnline); it
finds ..\stamping\ next to itself.

Run it with -WhatIf first: every change is shown, none is made, and the transcript and results
are written all the same. One object that fails is logged and the others go on. Each run writes
logs\Apply-Stamping-<time>.log (transcript) and logs\Apply-Stamping-<time>-results.csv (one row
per object: Done, AlreadyDone, WhatIf, Skipped or Failed, the step that failed, and DoNotLicense).

First, the mail contacts that stand for the people stamped here (GAL-sync contacts, made so the
two companies could mail each other before the merger; stamping\contacts.csv) are removed with
Remove-MailContact: while one exists, Exchange Online refuses the addresses and x500s it holds
("already being used"). A contact is found by its address, else by its LegacyExchangeDN; one
whose LegacyExchangeDN is not the export's is left alone. The MailUser that replaces it gets the
contact's LegacyExchangeDN as an x500 (x500.csv; onprem-ad.csv for a dir-synced MailUser, whose
on-premises stamping must wait until this script has removed the contact), so replies to old
mail sent to the contact still arrive. A MailUser whose contact is still there is not stamped in
this run and must not be licensed. Dir-synced contacts (Action RemoveOnPremises) cannot be
removed here: remove them in on-premises AD (they are reported as Skipped until then; one that
holds what a MailUser needs keeps that mailbox Blocked in the plan, so no row here). Exclude
these people from whatever GAL sync made the contacts, on-premises or in the cloud, or it makes
them again.

A removed contact is dropped from every group it was in and from every recipient that named it;
each MailUser takes its contact's places, right after the contacts go for MailUsers that exist
already, at the end for those this run creates. Its groups (stamping\group-members.csv, made
when the plan was given the groups' members): a member already there is AlreadyDone. The
recipients that named it (stamping\references.csv, made when the plan was given
--target-references): ForwardingAddress (Set-Mailbox, Set-MailPublicFolder), AcceptMessagesOnlyFrom,
RejectMessagesFrom, ModeratedBy and BypassModerationFromSendersOrMembers, each added with
@{Add=...} so the other entries stay. A Microsoft 365 group's lists take no @{Add=...}: the list
is read and written back whole, by GUID, with the MailUser (entries that no longer exist, such
as the removed contact, are left out). A forwarding is not overwritten when it points at a
recipient that exists or a ForwardingSmtpAddress was set: it changed since the export. Rows
with Edit ByHand (no cmdlet changes them in Exchange Online: forwarding on a group or mail user,
bypass on a Microsoft 365 group) or OnPremises (the holder is synchronised from on-premises AD)
are reported as Skipped "by hand": make them in the admin center if it offers the setting, or
on-premises, or tell the owner the entry is gone. Until the person's mailbox moves, their mail
still comes from the source address, which the MailUser does not hold (not in a target
domain): these lists match the MailUser, so such mail is not recognised as theirs (an
AcceptMessagesOnlyFrom group refuses it). Without these two files, groups and forwarding lose
the removed contacts silently: export them (docs/exports.md has the recipes). Keep stamping\
until every group and reference row is Done: once the contacts are gone, no new export or plan
can list them.

Running it again is safe and finishes what an earlier run left undone: each object is read first
and only what still differs is changed. A MailUser that an earlier run created, but whose
ExchangeGuid or addresses it did not stamp, gets the rest; an object whose ExchangeGuid or
ArchiveGuid changed since the export (to neither the export's value, ExchangeGuidInExport, nor the
plan's) is left alone and reported.

LICENSING: do not assign an Exchange Online licence to these users until their ExchangeGuid is
stamped. A licence assigned earlier provisions a new, empty mailbox, and the move then fails
("already has a primary mailbox"). New-MailUser cannot set ExchangeGuid: this script stamps it
with Set-MailUser on the object New-MailUser returned, immediately. With GROUP-BASED LICENSING,
make sure the new users cannot join a licensed group before that (a dynamic group whose rule
matches them can add them within minutes): exclude them from such groups until the move is done.
Microsoft: licence only once ExchangeGuid and the proxy addresses are in place (a licence also
scrubs SMTP addresses). Every row not fully stamped at the end is printed as "DO NOT LICENSE" and
marked DoNotLicense = True in the results. Safest: licence after the move, within its 30-day
grace.

Dir-synced targets are not in these files: Set-MailUser cannot change synchronised attributes.
stamping\onprem-ad.csv holds their changes and Apply-OnPremStamping.ps1 applies them in
on-premises AD.

Each new MailUser gets a random password, generated here at run time and never written down:
users sign in after the migration with a password reset.

Notes from Microsoft's cmdlet reference, for the reader: it calls Set-MailUser's -ExchangeGuid
and -ArchiveGuid "reserved for internal Microsoft use" and -PrimarySmtpAddress "functional only in
on-premises Exchange"; Microsoft's cross-tenant article and validation script set them this way
in Exchange Online. The primary address is read back after it is set, and set with
-WindowsEmailAddress (which sets a cloud recipient's primary address) if it did not take. X400
proxies are added in a call of their own: not needed for the move, one that is refused is noted
and does not keep the x500s out. Plan again on a fresh export after this script, into a new
folder: every mailbox it stamped must be Ready.

.PARAMETER StampingFolder
The folder holding contacts.csv, mailusers.csv, x500.csv, group-members.csv and references.csv.

.PARAMETER LogFolder
Where the transcript and the results go.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string] $StampingFolder = (Join-Path $PSScriptRoot '..\stamping'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Apply-Stamping'

!COMMON!
!EXCHANGE!
function New-RandomPassword {
    # From the OS's cryptographic generator, with every character class present.
    $alphabet = 'abcdefghijkmnopqrstuvwxyzABCDEFGHJKLMNPQRSTUVWXYZ23456789!#%*+-=?@_'.ToCharArray()
    $bytes = New-Object byte[] 24
    $rng = [System.Security.Cryptography.RandomNumberGenerator]::Create()
    $rng.GetBytes($bytes)
    $rng.Dispose()
    $plain = 'Aa7!' + (-join ($bytes | ForEach-Object { $alphabet[$_ % $alphabet.Length] }))
    ConvertTo-SecureString -String $plain -AsPlainText -Force
}

# Whether a refused Set-MailUser -EmailAddresses is worth another try: just after this run
# removed the contact that held the values, Exchange Online may still see them as taken for a
# moment. On that error only, three times at most.
function Test-RetryAfterContact($ErrorRecord, [bool] $ContactRemoved, [int] $Attempt) {
    return $ContactRemoved -and $Attempt -lt 4 -and "$($ErrorRecord.Exception.Message)" -match 'already being used'
}

# Puts each MailUser back where its removed contact was: the groups it was a member of
# (group-members.csv) and the recipients that named it (references.csv). Twice: right after the
# contacts go, for the MailUsers that exist already, so a group that accepted mail only from a
# contact is without it for minutes, not for the whole run; then at the end ($Final), for those
# this run created. Each row is handled once; before the end, one whose MailUser does not exist
# yet waits.
function Restore-Named([bool] $Final) {
    for ($i = 0; $i -lt $groupRows.Count; $i++) {
        if ($restored.ContainsKey("g$i")) { continue }
        $g = $groupRows[$i]
        $key = "$($g.Member)".ToLowerInvariant()
        $what = "Add-DistributionGroupMember $($g.Group)"
        $more = [ordered]@{ Step = ''; DoNotLicense = $false }
        if ($contactLeft.ContainsKey($key)) {
            if ($Final) { Add-Result -Object $g.Member -Action $what -Result 'Skipped' -Detail "not stamped: $($contactLeft[$key])" -More $more }
            continue
        }
        $step = 'Get-MailUser'
        try {
            $object = Find-Object 'Get-MailUser' $g.Member
            if ($null -eq $object -and -not $Final) { continue }
            $restored["g$i"] = $true
            if ($null -eq $object -and $WhatIfPreference) {
                # Created by this run without -WhatIf only.
                Add-Result -Object $g.Member -Action $what -Result (Get-NotMade) -More $more
                continue
            }
            if ($null -eq $object) { throw "no MailUser $($g.Member) in this tenant: see its row above" }
            $step = 'Add-DistributionGroupMember'
            if ($PSCmdlet.ShouldProcess($g.Group, "Add-DistributionGroupMember -Member $($g.Member)")) {
                try {
                    Add-DistributionGroupMember -Identity $g.Group -Member (Get-ObjectId $object) -BypassSecurityGroupManagerCheck -Confirm:$false -ErrorAction Stop
                    Add-Result -Object $g.Member -Action $what -Result 'Done' -Detail "in place of the contact $($g.RemovedContact)" -More $more
                } catch {
                    if ("$($_.Exception.Message) $($_.FullyQualifiedErrorId)" -notmatch 'already a member|MemberAlreadyExists') { throw }
                    Add-Result -Object $g.Member -Action $what -Result 'AlreadyDone' -Detail 'already a member' -More $more
                }
            } else {
                Add-Result -Object $g.Member -Action $what -Result (Get-NotMade) -More $more
            }
        } catch {
            $restored["g$i"] = $true
            $script:NotRestored++
            Add-Result -Object $g.Member -Action $what -Result 'Failed' -Detail $_.Exception.Message -More ([ordered]@{ Step = $step; DoNotLicense = $false })
        }
    }

    for ($i = 0; $i -lt $referenceRows.Count; $i++) {
        if ($restored.ContainsKey("r$i")) { continue }
        $r = $referenceRows[$i]
        $key = "$($r.MailUser)".ToLowerInvariant()
        $what = "$($r.Cmdlet) -$($r.Parameter)"
        $more = [ordered]@{ Step = ''; DoNotLicense = $false }
        if ($contactLeft.ContainsKey($key)) {
            if ($Final) { Add-Result -Object $r.Identity -Action $what -Result 'Skipped' -Detail "not stamped: $($contactLeft[$key])" -More $more }
            continue
        }
        if ($r.Edit -eq 'ByHand' -or $r.Edit -eq 'OnPremises') {
            if ($Final) {
                $script:ByHand++
                $why = "no cmdlet changes $($r.Property) on a $($r.RecipientTypeDetails) in Exchange Online"
                if ($r.Edit -eq 'OnPremises') { $why = "$($r.Name) is synchronised from on-premises AD: change it there" }
                Add-Result -Object $r.Identity -Action $what -Result 'Skipped' -Detail "by hand: $why; put $($r.MailUser) in $($r.Property) of $($r.Name) in place of the removed contact $($r.RemovedContact)" -More $more
            }
            continue
        }
        $step = 'Get-MailUser'
        try {
            if (@('Replace', 'Add', 'Rewrite') -notcontains $r.Edit) {
                throw "unknown Edit '$($r.Edit)' (Replace, Add, Rewrite, ByHand or OnPremises): was references.csv edited?"
            }
            $mailUser = Find-Object 'Get-MailUser' $r.MailUser
            if ($null -eq $mailUser -and -not $Final) { continue }
            $restored["r$i"] = $true
            if ($null -eq $mailUser -and $WhatIfPreference) {
                # Created by this run without -WhatIf only.
                Add-Result -Object $r.Identity -Action $what -Result (Get-NotMade) -More $more
                continue
            }
            if ($null -eq $mailUser) { throw "no MailUser $($r.MailUser) in this tenant: see its row above" }
            $noun = "$($r.Cmdlet)" -replace '^Set-', ''
            $step = "Get-$noun"
            $holder = Find-Object "Get-$noun" $r.Identity
            if ($null -eq $holder) { throw "no $noun $($r.Identity) ($($r.Name)) in this tenant: removed since the export?" }
            $current = @(@(Get-Prop $holder $r.Parameter) | Where-Object { "$_" } | ForEach-Object { "$_" })
            if (@($current | Where-Object { Test-Carries $mailUser $_ }).Count -gt 0) {
                Add-Result -Object $r.Identity -Action $what -Result 'AlreadyDone' -Detail "$($r.MailUser) is there" -More $more
                continue
            }
            $mailUserId = Get-ObjectId $mailUser
            $change = @{}
            $note = "in place of the contact $($r.RemovedContact)"
            if ($r.Edit -eq 'Replace') {
                # Set since the export: a forwarding to a recipient that exists, or a
                # ForwardingSmtpAddress, which a ForwardingAddress would override.
                $smtp = "$(Get-Prop $holder 'ForwardingSmtpAddress')"
                if ($smtp) {
                    Add-Result -Object $r.Identity -Action $what -Result 'Skipped' -Detail "ForwardingSmtpAddress is $smtp now, set since the export (ForwardingAddress would override it); left alone" -More $more
                    continue
                }
                if ($current.Count -gt 0) {
                    # The removed contact's link may linger for a moment.
                    $step = 'Get-Recipient'
                    $now = Find-Object 'Get-Recipient' $current[0]
                    if ($null -ne $now) {
                        Add-Result -Object $r.Identity -Action $what -Result 'Skipped' -Detail "$($r.Parameter) is $($current[0]) now, not the removed contact: changed since the export; left alone" -More $more
                        continue
                    }
                }
                $change[$r.Parameter] = $mailUserId
            } elseif ($r.Edit -eq 'Add') {
                $change[$r.Parameter] = @{ Add = $mailUserId }
            } else {
                # The whole list as it is now, by GUID (a name may be ambiguous), plus the
                # MailUser; an entry that no longer resolves (the removed contact) would make
                # the call fail.
                $step = 'Get-Recipient'
                $keep = @()
                foreach ($entry in $current) {
                    $found = Find-Object 'Get-Recipient' $entry
                    if ($null -ne $found) { $keep += (Get-ObjectId $found) }
                }
                if ($keep.Count -lt $current.Count) { $note += "; $($current.Count - $keep.Count) entry(ies) that no longer exist left out" }
                $change[$r.Parameter] = @($keep + $mailUserId)
            }
            $step = $r.Cmdlet
            if ($PSCmdlet.ShouldProcess($r.Identity, "$($r.Cmdlet) -$($r.Parameter): add $($r.MailUser) ($($r.Edit))")) {
                switch ($r.Cmdlet) {
                    'Set-Mailbox' { Set-Mailbox -Identity (Get-ObjectId $holder) @change -ErrorAction Stop }
                    'Set-MailUser' { Set-MailUser -Identity (Get-ObjectId $holder) @change -ErrorAction Stop }
                    'Set-MailContact' { Set-MailContact -Identity (Get-ObjectId $holder) @change -ErrorAction Stop }
                    'Set-DistributionGroup' { Set-DistributionGroup -Identity (Get-ObjectId $holder) @change -BypassSecurityGroupManagerCheck -ErrorAction Stop }
                    'Set-DynamicDistributionGroup' { Set-DynamicDistributionGroup -Identity (Get-ObjectId $holder) @change -ErrorAction Stop }
                    'Set-UnifiedGroup' { Set-UnifiedGroup -Identity (Get-ObjectId $holder) @change -ErrorAction Stop }
                    'Set-MailPublicFolder' { Set-MailPublicFolder -Identity (Get-ObjectId $holder) @change -ErrorAction Stop }
                    default { throw "unknown Cmdlet '$($r.Cmdlet)': was references.csv edited?" }
                }
                Add-Result -Object $r.Identity -Action $what -Result 'Done' -Detail $note -More $more
            } else {
                Add-Result -Object $r.Identity -Action $what -Result (Get-NotMade) -More $more
            }
        } catch {
            $restored["r$i"] = $true
            $script:NotRestored++
            Add-Result -Object $r.Identity -Action $what -Result 'Failed' -Detail $_.Exception.Message -More ([ordered]@{ Step = $step; DoNotLicense = $false })
        }
    }
}

# Written by xtenant when the plan was made.
$TargetDeliveryDomain = !DELIVERY_DOMAIN!
$PlannedMailUserRows = !MAILUSER_ROWS!
$PlannedProxyRows = !PROXY_ROWS!
$PlannedContactRows = !CONTACT_ROWS!
$PlannedGroupRows = !GROUP_ROWS!
$PlannedReferenceRows = !REFERENCE_ROWS!
$EmptyGuid = '00000000-0000-0000-0000-000000000000'

$StampingFolder = Resolve-Folder $StampingFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    $mailUsers = @(Import-PlanCsv (Join-Path $StampingFolder 'mailusers.csv'))
    $proxyRows = @(Import-PlanCsv (Join-Path $StampingFolder 'x500.csv'))
    if ($mailUsers.Count -ne $PlannedMailUserRows) {
        Write-Warning "mailusers.csv has $($mailUsers.Count) rows; xtenant wrote $PlannedMailUserRows. Was it edited?"
    }
    if ($proxyRows.Count -ne $PlannedProxyRows) {
        Write-Warning "x500.csv has $($proxyRows.Count) rows; xtenant wrote $PlannedProxyRows. Was it edited?"
    }
    $groupRows = @(Import-PlanCsv (Join-Path $StampingFolder 'group-members.csv'))
    if ($groupRows.Count -ne $PlannedGroupRows) {
        Write-Warning "group-members.csv has $($groupRows.Count) rows; xtenant wrote $PlannedGroupRows. Was it edited?"
    }
    $referenceRows = @(Import-PlanCsv (Join-Path $StampingFolder 'references.csv'))
    if ($referenceRows.Count -ne $PlannedReferenceRows) {
        Write-Warning "references.csv has $($referenceRows.Count) rows; xtenant wrote $PlannedReferenceRows. Was it edited?"
    }
    $contactRows = @(Import-PlanCsv (Join-Path $StampingFolder 'contacts.csv'))
    if ($contactRows.Count -ne $PlannedContactRows) {
        Write-Warning "contacts.csv has $($contactRows.Count) rows; xtenant wrote $PlannedContactRows. Was it edited?"
    }

    # 0. The contacts that stand for the people stamped here go first: while one exists,
    # Exchange Online refuses the addresses and x500s it holds. A MailUser whose contact is
    # still there is not stamped in this run (its stamping would be refused).
    $contactLeft = @{}
    # The MailUsers whose contact this run removed: directory replication may refuse their
    # proxies for a moment ("already being used"), so step 3 retries them.
    $contactRemoved = @{}
    $contactMore = [ordered]@{ Step = ''; DoNotLicense = $false }
    foreach ($c in $contactRows) {
        $mailUserKey = "$($c.MailUserIdentity)".ToLowerInvariant()
        $step = 'Get-MailContact'
        try {
            if ($c.Action -ne 'Remove' -and $c.Action -ne 'RemoveOnPremises') {
                throw "unknown Action '$($c.Action)' (Remove or RemoveOnPremises): was contacts.csv edited?"
            }
            $contact = Find-Object 'Get-MailContact' $c.Identity
            if ($null -eq $contact -and $c.LegacyExchangeDN) {
                # Its address may have changed since the export; its LegacyExchangeDN has not.
                $found = @(Get-MailContact -Filter "LegacyExchangeDN -eq '$(ConvertTo-FilterValue $c.LegacyExchangeDN)'" -ResultSize Unlimited -ErrorAction Stop)
                if ($found.Count -gt 1) { throw "$($found.Count) contacts have the LegacyExchangeDN $($c.LegacyExchangeDN)" }
                if ($found.Count -eq 1) { $contact = $found[0] }
            }
            if ($null -eq $contact) {
                Add-Result -Object $c.Identity -Action 'Remove-MailContact' -Result 'AlreadyDone' -Detail 'no such contact: removed by an earlier run, by hand or on-premises' -More $contactMore
                continue
            }
            $dn = "$(Get-Prop $contact 'LegacyExchangeDN')"
            if ($c.LegacyExchangeDN -and $dn -ne $c.LegacyExchangeDN) {
                throw "its LegacyExchangeDN is $dn, not the export's $($c.LegacyExchangeDN): not the contact the plan saw; left alone; export the target again and plan again"
            }
            if ("$(Get-Prop $contact 'IsDirSynced')" -eq 'True') {
                # Planned as dir-synced: it holds nothing this plan stamps (else the mailbox is
                # Blocked and has no rows here), so its MailUser goes on. A contact planned for
                # removal that is dir-synced now may hold what is stamped: its MailUser waits.
                if ($c.Action -eq 'Remove') {
                    $contactLeft[$mailUserKey] = "its contact $($c.Identity) is dir-synced now and still there: remove it in on-premises AD, exclude the person from GAL sync, sync, then run this script again"
                }
                Add-Result -Object $c.Identity -Action 'Remove-MailContact' -Result 'Skipped' -Detail 'dir-synced: Exchange Online cannot remove it; remove it in on-premises AD and exclude the person from GAL sync' -More $contactMore
                continue
            }
            $step = 'Remove-MailContact'
            if ($PSCmdlet.ShouldProcess($c.Identity, 'Remove-MailContact')) {
                try {
                    Remove-MailContact -Identity (Get-ObjectId $contact) -Confirm:$false -ErrorAction Stop
                } catch {
                    # Gone between the look-up and the removal: what this row wanted.
                    if (-not (Test-NotFound $_)) { throw }
                }
                $contactRemoved[$mailUserKey] = $true
                Add-Result -Object $c.Identity -Action 'Remove-MailContact' -Result 'Done' -Detail "stood for $($c.SourcePrimarySmtpAddress); its addresses are in contacts.csv" -More $contactMore
            } else {
                Add-Result -Object $c.Identity -Action 'Remove-MailContact' -Result (Get-NotMade) -More $contactMore
                if (-not $WhatIfPreference) { $contactLeft[$mailUserKey] = "its contact $($c.Identity) was not removed (declined)" }
            }
        } catch {
            $contactLeft[$mailUserKey] = "its contact $($c.Identity) could not be removed: $($_.Exception.Message)"
            Add-Result -Object $c.Identity -Action 'Remove-MailContact' -Result 'Failed' -Detail $_.Exception.Message -More ([ordered]@{ Step = $step; DoNotLicense = $false })
        }
    }

    # The MailUsers that exist already take their contacts' places in groups, forwarding,
    # delivery restrictions and moderation at once.
    $restored = @{}
    $script:NotRestored = 0
    $script:ByHand = 0
    Restore-Named $false

    # The x500 and X400 proxies of each target. X400 values contain ';': the file holds one proxy
    # per row for that reason, and they are never split here.
    $proxiesOf = @{}
    $proxyTargets = New-Object System.Collections.Generic.List[string]
    foreach ($p in $proxyRows) {
        $key = $p.Identity.ToLowerInvariant()
        if (-not $proxiesOf.ContainsKey($key)) {
            $proxiesOf[$key] = New-Object System.Collections.Generic.List[string]
            $proxyTargets.Add($p.Identity)
        }
        $proxiesOf[$key].Add($p.Proxy)
    }

    foreach ($row in $mailUsers) {
        $key = $row.Identity.ToLowerInvariant()
        $proxies = @()
        if ($proxiesOf.ContainsKey($key)) {
            $proxies = @($proxiesOf[$key])
            $proxiesOf.Remove($key)
        }
        if ($contactLeft.ContainsKey($key)) {
            Add-Result -Object $row.Identity -Action $row.Action -Result 'Skipped' -Detail "not stamped: $($contactLeft[$key])" -More ([ordered]@{ Step = 'Remove-MailContact'; DoNotLicense = $true })
            if (-not $WhatIfPreference) { Write-Warning "DO NOT LICENSE $($row.Identity): it is not stamped (its contact is still there)." }
            continue
        }
        $step = 'Get-MailUser'
        $changed = 0
        $wouldChange = 0
        $note = ''
        # The ExchangeGuid the object must end with: the plan's, or on a Set row that does not
        # change it, the one the export showed.
        $wantGuid = $row.ExchangeGuid
        if (-not $wantGuid -and $row.Action -eq 'Set') { $wantGuid = $row.ExchangeGuidInExport }
        $guidStamped = -not $wantGuid
        # Licensable once ExchangeGuid and the addresses are all in place (a licence scrubs
        # SMTP addresses and, before the GUID, provisions a new mailbox).
        $complete = $false
        try {
            $object = Find-Object 'Get-MailUser' $row.Identity
            if ($object -and "$(Get-Prop $object 'ExchangeGuid')" -eq $wantGuid) { $guidStamped = $true }
            if ($row.Action -eq 'New') {
                if ($null -eq $object) {
                    $new = @{
                        Name                      = $row.Name
                        Alias                     = $row.Alias
                        DisplayName               = $row.DisplayName
                        MicrosoftOnlineServicesID = $row.MicrosoftOnlineServicesID
                        PrimarySmtpAddress        = $row.PrimarySmtpAddress
                        ExternalEmailAddress      = $row.ExternalEmailAddress
                        Password                  = New-RandomPassword
                    }
                    if ($row.FirstName) { $new.FirstName = $row.FirstName }
                    if ($row.LastName) { $new.LastName = $row.LastName }
                    $step = 'New-MailUser'
                    if ($PSCmdlet.ShouldProcess($row.Identity, 'New-MailUser')) {
                        # From here on the object New-MailUser returned is used, by its GUID.
                        $object = New-MailUser @new -ErrorAction Stop
                        $changed++
                    } else {
                        $wouldChange++
                    }
                } else {
                    # An earlier run created it and stopped before the end: finish its job. An
                    # object that holds another ExchangeGuid is somebody else's.
                    $has = "$(Get-Prop $object 'ExchangeGuid')"
                    if ($has -and $has -ne $EmptyGuid -and $row.ExchangeGuid -and $has -ne $row.ExchangeGuid) {
                        throw "a MailUser $($row.Identity) exists with ExchangeGuid $has, not $($row.ExchangeGuid): left alone; export the target again and plan again"
                    }
                    $note = 'existed already (created by an earlier run): the rest was finished'
                }
            } elseif ($null -eq $object) {
                throw "no MailUser $($row.Identity) in this tenant: export the target again and plan again"
            } else {
                # A GUID that changed since the export (to neither the planned value nor the one
                # the plan saw) is left alone: the object is not what the plan was made from.
                foreach ($field in 'ExchangeGuid', 'ArchiveGuid') {
                    $has = "$(Get-Prop $object $field)"
                    $seen = $row."${field}InExport"
                    if ($has -and $has -ne $EmptyGuid -and $has -ne $row.$field -and $has -ne $seen -and ($seen -or $row.$field)) {
                        throw "its $field is $has, neither the export's ($seen) nor the plan's ($($row.$field)): left alone; export the target again and plan again"
                    }
                }
                # Overwriting a GUID the export showed (XT202): not on an object that was a mailbox
                # before; Microsoft's article has it cleaned first.
                $overwrites = @('ExchangeGuid', 'ArchiveGuid' | Where-Object { $row.$_ -and "$(Get-Prop $object $_)" -and "$(Get-Prop $object $_)" -ne $EmptyGuid -and "$(Get-Prop $object $_)" -ne $row.$_ })
                if ($overwrites.Count -gt 0) {
                    $step = 'Get-User'
                    $user = Get-User -Identity (Get-ObjectId $object) -ErrorAction Stop
                    $previous = "$(Get-Prop $user 'PreviousRecipientTypeDetails')"
                    if ($previous -and $previous -ne 'None') {
                        throw "it was a $previous before (PreviousRecipientTypeDetails): clear it first with Set-User -PermanentlyClearPreviousMailboxInfo (irreversible), then run this script again"
                    }
                }
            }
            $id = $row.Identity
            if ($object) { $id = Get-ObjectId $object }

            # 1. The GUIDs, straight after New-MailUser: until ExchangeGuid is stamped, a licence
            # would provision a new, empty mailbox.
            $guids = @{}
            foreach ($field in 'ExchangeGuid', 'ArchiveGuid') {
                if ($row.$field -and "$(Get-Prop $object $field)" -ne $row.$field) { $guids[$field] = $row.$field }
            }
            if ($guids.Count -gt 0) {
                $step = 'Set-MailUser ' + (@($guids.Keys | Sort-Object) -join ', ')
                if ($PSCmdlet.ShouldProcess($id, $step)) {
                    # A new object may not be found for a few seconds: retried on "not found" only.
                    for ($attempt = 1; ; $attempt++) {
                        try {
                            Set-MailUser -Identity $id @guids -ErrorAction Stop
                            break
                        } catch {
                            if ($attempt -ge 4 -or -not (Test-NotFound $_)) { throw }
                            Start-Sleep -Seconds 15
                        }
                    }
                    $changed++
                    if ($guids.ContainsKey('ExchangeGuid')) { $guidStamped = $true }
                } else {
                    $wouldChange++
                }
            }

            # 2. PrimarySmtpAddress and ExternalEmailAddress, always together: an
            # ExternalEmailAddress set alone becomes the primary address too.
            $addressing = @{}
            if ($row.Action -eq 'Set' -and $row.ExternalEmailAddress -and (Get-Bare "$(Get-Prop $object 'ExternalEmailAddress')") -ne (Get-Bare $row.ExternalEmailAddress)) {
                $addressing.ExternalEmailAddress = $row.ExternalEmailAddress
            }
            if ($row.PrimarySmtpAddress -and ($object -or $row.Action -eq 'Set') -and ($addressing.Count -gt 0 -or "$(Get-Prop $object 'PrimarySmtpAddress')" -ne $row.PrimarySmtpAddress)) {
                $addressing.PrimarySmtpAddress = $row.PrimarySmtpAddress
            }
            if ($addressing.Count -gt 0) {
                $step = 'Set-MailUser ' + (@($addressing.Keys | Sort-Object) -join ', ')
                if ($PSCmdlet.ShouldProcess($id, $step)) {
                    Set-MailUser -Identity $id @addressing -ErrorAction Stop
                    $changed++
                    # Read back: the reference calls -PrimarySmtpAddress on-premises only, while
                    # -WindowsEmailAddress sets a cloud recipient's primary address. Fresh
                    # EmailAddresses for step 3 too.
                    $step = 'Get-MailUser (read back)'
                    $object = Find-Object 'Get-MailUser' $id
                    if ($null -eq $object) { throw "not found when read back by its GUID $id" }
                    if ($row.PrimarySmtpAddress -and "$(Get-Prop $object 'PrimarySmtpAddress')" -ne $row.PrimarySmtpAddress) {
                        $step = 'Set-MailUser -WindowsEmailAddress'
                        Set-MailUser -Identity $id -WindowsEmailAddress $row.PrimarySmtpAddress -ErrorAction Stop
                        $object = Find-Object 'Get-MailUser' $id
                        if ($null -eq $object) { throw "not found when read back by its GUID $id" }
                        if ("$(Get-Prop $object 'PrimarySmtpAddress')" -ne $row.PrimarySmtpAddress) {
                            throw "its PrimarySmtpAddress is $(Get-Prop $object 'PrimarySmtpAddress'), not $($row.PrimarySmtpAddress), after Set-MailUser"
                        }
                    }
                } else {
                    $wouldChange++
                }
            }

            # 3. EmailAddresses: the delivery-domain proxy, the x500/X400 proxies, and foreign SMTP
            # addresses removed. Only what is still missing or still there. (Set-MailUser takes
            # EmailAddresses and PrimarySmtpAddress in separate calls.)
            $have = @(@(Get-Prop $object 'EmailAddresses') | ForEach-Object { "$_" })
            $add = @(@(Split-List $row.EmailAddressesToAdd) + $proxies | Where-Object { -not (Test-HasProxy $have $_) })
            $remove = @(Select-Removals $have @(Split-List $row.EmailAddressesToRemove))
            # X400 addresses go on their own: recommended, not required for the move, so one that
            # Exchange Online refuses must not keep the x500s out.
            $x400 = @($add | Where-Object { $_ -like 'X400:*' })
            $add = @($add | Where-Object { $_ -notlike 'X400:*' })
            if ($add.Count -gt 0 -or $remove.Count -gt 0) {
                $edit = @{}
                if ($add.Count -gt 0) { $edit.Add = $add }
                if ($remove.Count -gt 0) { $edit.Remove = $remove }
                $step = 'Set-MailUser -EmailAddresses'
                if ($PSCmdlet.ShouldProcess($id, "Set-MailUser -EmailAddresses add [$($add -join ', ')] remove [$($remove -join ', ')]")) {
                    for ($attempt = 1; ; $attempt++) {
                        try { Set-MailUser -Identity $id -EmailAddresses $edit -ErrorAction Stop; break }
                        catch { if (-not (Test-RetryAfterContact $_ $contactRemoved.ContainsKey($key) $attempt)) { throw }; Start-Sleep -Seconds 15 }
                    }
                    $changed++
                } else {
                    $wouldChange++
                }
            }
            if ($x400.Count -gt 0) {
                if ($PSCmdlet.ShouldProcess($id, "Set-MailUser -EmailAddresses add [$($x400 -join ', ')]")) {
                    try {
                        Set-MailUser -Identity $id -EmailAddresses @{ Add = $x400 } -ErrorAction Stop
                        $changed++
                    } catch {
                        $note = "X400 not added ($($_.Exception.Message)): not needed for the move; add it by hand if mail to it matters"
                    }
                } else {
                    $wouldChange++
                }
            }

            $complete = $guidStamped -and $wouldChange -eq 0
            Add-Result -Object $row.Identity -Action $row.Action -Result (Get-Outcome $changed $wouldChange) -Detail $note -More ([ordered]@{ Step = ''; DoNotLicense = (-not $complete) })
        } catch {
            Add-Result -Object $row.Identity -Action $row.Action -Result 'Failed' -Detail $_.Exception.Message -More ([ordered]@{ Step = $step; DoNotLicense = $true })
        }
        if (-not $complete -and -not $WhatIfPreference) {
            Write-Warning "DO NOT LICENSE $($row.Identity): it is not fully stamped (ExchangeGuid or addresses); a licence now would give it a new, empty mailbox or scrub its addresses. Run this script again."
        }
    }

    # Targets that need only proxies (no mailusers.csv row).
    foreach ($identity in $proxyTargets) {
        $key = $identity.ToLowerInvariant()
        if (-not $proxiesOf.ContainsKey($key)) { continue }
        if ($contactLeft.ContainsKey($key)) {
            Add-Result -Object $identity -Action 'Proxies' -Result 'Skipped' -Detail "not stamped: $($contactLeft[$key])" -More ([ordered]@{ Step = 'Remove-MailContact'; DoNotLicense = $true })
            if (-not $WhatIfPreference) { Write-Warning "DO NOT LICENSE ${identity}: its x500s are not stamped (its contact is still there)." }
            continue
        }
        $step = 'Get-MailUser'
        try {
            $object = Find-Object 'Get-MailUser' $identity
            if ($null -eq $object) {
                throw "no MailUser $identity in this tenant: export the target again and plan again"
            }
            $have = @(@(Get-Prop $object 'EmailAddresses') | ForEach-Object { "$_" })
            $add = @($proxiesOf[$key] | Where-Object { -not (Test-HasProxy $have $_) })
            $changed = 0
            $wouldChange = 0
            $note = ''
            # x500s, then X400s on their own (see above).
            foreach ($part in @(@($add | Where-Object { $_ -notlike 'X400:*' }), @($add | Where-Object { $_ -like 'X400:*' }))) {
                if ($part.Count -eq 0) { continue }
                $step = 'Set-MailUser -EmailAddresses'
                if ($PSCmdlet.ShouldProcess($identity, "Set-MailUser -EmailAddresses add [$($part -join ', ')]")) {
                    try {
                        for ($attempt = 1; ; $attempt++) {
                            try { Set-MailUser -Identity (Get-ObjectId $object) -EmailAddresses @{ Add = $part } -ErrorAction Stop; break }
                            catch { if (-not (Test-RetryAfterContact $_ $contactRemoved.ContainsKey($key) $attempt)) { throw }; Start-Sleep -Seconds 15 }
                        }
                        $changed++
                    } catch {
                        if ($part[0] -notlike 'X400:*') { throw }
                        $note = "X400 not added ($($_.Exception.Message)): not needed for the move"
                    }
                } else {
                    $wouldChange++
                }
            }
            Add-Result -Object $identity -Action 'Proxies' -Result (Get-Outcome $changed $wouldChange) -Detail $note -More ([ordered]@{ Step = ''; DoNotLicense = ($wouldChange -gt 0) })
        } catch {
            Add-Result -Object $identity -Action 'Proxies' -Result 'Failed' -Detail $_.Exception.Message -More ([ordered]@{ Step = $step; DoNotLicense = $true })
        }
    }

    # 4. The MailUsers this run created take their contacts' places too (the others did right
    # after the contacts went).
    Restore-Named $true

    if ($script:NotRestored -gt 0 -and -not $WhatIfPreference) {
        Write-Warning "$($script:NotRestored) group membership(s) or reference(s) were not restored (Failed in the results). Keep stamping\group-members.csv and references.csv: a plan made after the contacts are gone cannot list them. Run this script again once the failures are fixed."
    }
    if ($script:ByHand -gt 0 -and -not $WhatIfPreference) {
        Write-Warning "$($script:ByHand) reference(s) must be restored by hand: the Skipped rows 'by hand' in the results (Edit ByHand or OnPremises in references.csv)."
    }
    $notStamped = @($script:Results | Where-Object { $_.DoNotLicense }).Count
    if ($notStamped -gt 0 -and -not $WhatIfPreference) {
        Write-Warning "$notStamped user(s) must not be licensed yet: DoNotLicense = True in the results. Run this script again once the failures are fixed."
    }
    Write-Host "Next: export the target again and run xtenant plan: every mailbox stamped here must be Ready. Each needs a proxy in $TargetDeliveryDomain for its batch."
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message -More ([ordered]@{ Step = ''; DoNotLicense = $false })
    throw
} finally {
    Stop-RunLog
}
