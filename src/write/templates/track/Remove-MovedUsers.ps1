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

A user already gone, or now in another batch than ExportedBatch, is reported and left alone;
a Completed user is never removed. Safe to run again. The script asks before each user
(ConfirmImpact High; -Confirm:$false answers yes for all). -WhatIf shows what would be removed.
Each run writes logs\Remove-MovedUsers-<time>.log and -results.csv.
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
$ActionFolder = Resolve-Folder $ActionFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    foreach ($r in @(Import-PlanCsv (Join-Path $ActionFolder 'remove-users.csv'))) {
        $user = $r.EmailAddress
        $step = 'Get-MigrationUser'
        try {
            $mu = $null
            try {
                $mu = Get-MigrationUser -Identity $user -ErrorAction Stop
            } catch {
                if (-not (Test-NotFound $_)) { throw }
            }
            if ($null -eq $mu) {
                Add-Result -Object $user -Action 'Remove-MigrationUser' -Result 'AlreadyDone' -Detail "not a migration user any more: submit it with $($r.PlannedBatch)"
                continue
            }
            $batch = "$(Get-Prop $mu 'BatchId')"
            $status = "$(Get-Prop $mu 'Status')"
            if ($batch -ne $r.ExportedBatch) {
                Add-Result -Object $user -Action 'Remove-MigrationUser' -Result 'Skipped' -Detail "now in batch $batch, not $($r.ExportedBatch): track again"
                continue
            }
            if ($status -like 'Completed*') {
                Add-Result -Object $user -Action 'Remove-MigrationUser' -Result 'Skipped' -Detail "status ${status}: the move is done"
                continue
            }
            $step = 'Remove-MigrationUser'
            if ($PSCmdlet.ShouldProcess($user, "Remove-MigrationUser from $batch ($status; what was synced is discarded; its plan batch is $($r.PlannedBatch))")) {
                Remove-MigrationUser -Identity $user -Confirm:$false -ErrorAction Stop
                Add-Result -Object $user -Action 'Remove-MigrationUser' -Result 'Done' -Detail "was $status in $batch; submit it with $($r.PlannedBatch)"
            } else {
                Add-Result -Object $user -Action 'Remove-MigrationUser' -Result (Get-NotMade)
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
