<#
.SYNOPSIS
Removes, in the TARGET tenant, the migration users that must be submitted again
(Remove-MigrationUser): moved by the plan to another batch, failed on a cause Microsoft fixes by
submitting again, or held back by the plan yet in a batch.

.DESCRIPTION
Written by xtenant track. Reads ..\actions\remove-users.csv; its Why column says which:
- the plan puts the user in another batch (PlannedBatch) than the one it is in (ExportedBatch):
  a new batch refuses a user still in another one (UserDuplicateInOtherBatchException);
- the user failed on a cause whose fix is to remove it and submit it again (an auxiliary archive
  missing or made during the move, a recipient not found, Microsoft's maintenance moving the
  mailbox's database): Microsoft's Migration Failures section;
- the plan holds the user back (a blocker), yet it is in a batch that would complete it.
Removing a migration user stops its move and discards what was synced; the mailbox in the
source is untouched. Submit it again afterwards: with its batch of the plan
(New-MigrationBatches.ps1 -Wave <its wave> from the plan, or Set-MigrationBatch -AddUsers for a
batch that exists), or in a new batch.

Left alone and reported: a user already gone (AlreadyDone), one being removed (Waiting), one
now in another batch than ExportedBatch, and one whose cut-over has begun or ended (Completing,
CompletionSyncing, CompletionFailed, Completed: never removed here). A user in two batches is
reported as Failed, with the batches: remove the wrong one by its Guid. Safe to run again. The
script asks before each user (ConfirmImpact High; -Confirm:$false answers yes for all). -WhatIf
shows what would be removed. Each run writes logs\Remove-MigrationUsers-<time>.log and
-results.csv.
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
param(
    [string] $ActionFolder = (Join-Path $PSScriptRoot '..\actions'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Remove-MigrationUsers'

!COMMON!
!EXCHANGE!
!TRACK!
$ActionFolder = Resolve-Folder $ActionFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    foreach ($r in @(Import-ActionCsv (Join-Path $ActionFolder 'remove-users.csv') @('EmailAddress', 'ExportedBatch', 'PlannedBatch', 'Why'))) {
        $user = $r.EmailAddress
        $action = 'Remove-MigrationUser'
        $step = 'Get-MigrationUser'
        try {
            $mu = Get-BatchMigrationUser $user $r.ExportedBatch
            if ($null -eq $mu) {
                Add-Result -Object $user -Action $action -Result 'AlreadyDone' -Detail "not a migration user any more ($($r.Why))"
                continue
            }
            $batch = "$(Get-Prop $mu 'BatchId')"
            $status = "$(Get-Prop $mu 'Status')"
            if ($batch -ne $r.ExportedBatch) {
                Add-Result -Object $user -Action $action -Result 'Skipped' -Detail "now in batch $batch, not $($r.ExportedBatch): track again"
                continue
            }
            if ($status -eq 'Removing') {
                Add-Result -Object $user -Action $action -Result 'Waiting' -Detail 'being removed: run again later'
                continue
            }
            if ($status -like 'Complet*') {
                Add-Result -Object $user -Action $action -Result 'Skipped' -Detail "status ${status}: its cut-over has begun or ended; never removed here"
                continue
            }
            $step = 'Remove-MigrationUser'
            if ($PSCmdlet.ShouldProcess($user, "Remove-MigrationUser from $batch ($status; what was synced is discarded): $($r.Why)")) {
                Remove-MigrationUser -Identity $user -Confirm:$false -ErrorAction Stop
                Add-Result -Object $user -Action $action -Result 'Done' -Detail "was $status in ${batch}: $($r.Why)"
            } else {
                Add-Result -Object $user -Action $action -Result (Get-NotMade)
            }
        } catch {
            Add-Result -Object $user -Action $step -Result 'Failed' -Detail $_.Exception.Message
        }
    }
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
