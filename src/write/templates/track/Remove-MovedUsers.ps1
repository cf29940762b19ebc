<#
.SYNOPSIS
Removes, in the TARGET tenant, the migration users the plan now puts in another batch
(Remove-MigrationUser), so the batch of their new wave can take them.

.DESCRIPTION
Written by xtenant track. Reads ..\actions\remove-users.csv: users exported in a batch
(ExportedBatch) other than the one the current plan gives them (PlannedBatch): a new batch
refuses a user still in another one (UserDuplicateInOtherBatchException). Removing a migration
user stops its move and discards what was synced; the mailbox in the source is untouched, and
it is copied again from the start in its new batch (New-MigrationBatches.ps1 -Wave <its wave>
from the plan, or Set-MigrationBatch -AddUsers for a batch that exists).

Left alone and reported: a user already gone (AlreadyDone), one being removed (Waiting), one
now in another batch than ExportedBatch, and one whose cut-over has begun or ended (Completing,
CompletionSyncing, CompletionFailed, Completed: never removed here). A user in two batches is
reported as Failed, with the batches: remove the wrong one by its Guid. Safe to run again. The
script asks before each user (ConfirmImpact High; -Confirm:$false answers yes for all). -WhatIf
shows what would be removed. Each run writes logs\Remove-MovedUsers-<time>.log and -results.csv.
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
param(
    [string] $ActionFolder = (Join-Path $PSScriptRoot '..\actions'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Remove-MovedUsers'

!COMMON!
!EXCHANGE!
!TRACK!
$ActionFolder = Resolve-Folder $ActionFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    foreach ($r in @(Import-ActionCsv (Join-Path $ActionFolder 'remove-users.csv') @('EmailAddress', 'ExportedBatch', 'PlannedBatch'))) {
        $user = $r.EmailAddress
        $action = 'Remove-MigrationUser'
        $step = 'Get-MigrationUser'
        try {
            $mu = Get-BatchMigrationUser $user $r.ExportedBatch
            if ($null -eq $mu) {
                Add-Result -Object $user -Action $action -Result 'AlreadyDone' -Detail "not a migration user any more: submit it with $($r.PlannedBatch)"
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
            if ($PSCmdlet.ShouldProcess($user, "Remove-MigrationUser from $batch ($status; what was synced is discarded; its plan batch is $($r.PlannedBatch))")) {
                Remove-MigrationUser -Identity $user -Confirm:$false -ErrorAction Stop
                Add-Result -Object $user -Action $action -Result 'Done' -Detail "was $status in $batch; submit it with $($r.PlannedBatch)"
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
