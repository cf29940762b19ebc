<#
.SYNOPSIS
Completes the migration batches of the waves you name in the TARGET tenant
(Complete-MigrationBatch): the final sync and the switch of each mailbox to the target.

.DESCRIPTION
Written by xtenant. Reads ..\batches\batches.csv. A batch with a CompleteAfter date (every batch
of a plan with a first cut-over) completes on its own at that date; this script is for batches
planned without dates, or to complete ahead of the date. It completes a batch only once it is
Synced; SyncedWithErrors batches only with -IncludeSyncedWithErrors (their failed users stay
behind: look at them first). Batches already completing or completed are reported and left alone,
so it is safe to run again. Completing moves the cut-over to now (Complete-MigrationBatch sets
CompleteAfter to the current time): the script asks before each batch (ConfirmImpact High; pass
-Confirm:$false to answer yes for all). Failed, stopped and CompletedWithErrors batches are
reported as failed with what to look at. -WhatIf shows what would be completed.

After a wave completes: Restore-Permissions.ps1 -Wave <wave>, licence the users (within 30 days),
Update-SourceRouting.ps1 for a hybrid source, and Remove-MigrationBatches.ps1 once you are done
with the batches. Each run writes logs\Complete-MigrationBatches-<time>.log and -results.csv.

.PARAMETER Force
Run although the plan found an organisation-level blocker (the tenants' setup, or a domain both
tenants accept: readiness.xlsx, Organisation setup; findings.csv rows without a mailbox). Every
move fails while one stands: pass -Force only once it is fixed, before the next plan says so.
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
param(
    [Parameter(Mandatory = $true)] [string[]] $Wave,
    [switch] $IncludeSyncedWithErrors,
    [switch] $Force,
    [string] $CutoverTimeUtc = '18:00',
    [string] $BatchFolder = (Join-Path $PSScriptRoot '..\batches'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Complete-MigrationBatches'

!COMMON!
!EXCHANGE!
$BatchFolder = Resolve-Folder $BatchFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    # Written by xtenant when the plan was made: while an organisation-level blocker stands,
    # every move fails.
    $OrgBlockers = !ORG_BLOCKERS!
    $OrgBlockerCodes = !ORG_BLOCKER_CODES!
    if ($OrgBlockers -gt 0 -and -not $Force) {
        throw "The plan found $OrgBlockers organisation-level blocker(s) ($OrgBlockerCodes): every move would fail. Fix them (readiness.xlsx, Organisation setup; findings.csv rows without a mailbox), export and plan again, or pass -Force once they are fixed."
    }
    $batches = @(Select-PlanBatches $Wave)
    $tenantBatches = Get-TenantBatches
    foreach ($b in $batches) {
        $step = 'Get-MigrationBatch'
        try {
            $batch = $tenantBatches[$b.Batch]
            if ($null -eq $batch) {
                Add-Result -Object $b.Batch -Action 'Complete-MigrationBatch' -Result 'Waiting' -Detail 'no such migration batch: create it with New-MigrationBatches.ps1'
                continue
            }
            $status = "$(Get-Prop $batch 'Status')"
            if ($status -in 'Completing', 'Completed') {
                Add-Result -Object $b.Batch -Action 'Complete-MigrationBatch' -Result 'AlreadyDone' -Detail "status $status"
                continue
            }
            if ($status -eq 'CompletedWithErrors') {
                throw "completed with errors: its failed users did not move (Get-MigrationUser -BatchId $($b.Batch) -Status Failed); Start-MigrationBatch retries them"
            }
            if ($status -eq 'SyncedWithErrors' -and -not $IncludeSyncedWithErrors) {
                Add-Result -Object $b.Batch -Action 'Complete-MigrationBatch' -Result 'Skipped' -Detail 'SyncedWithErrors: look at its failed users (Get-MigrationUser -BatchId), then pass -IncludeSyncedWithErrors'
                continue
            }
            if ($status -in 'Created', 'Starting', 'Syncing', 'IncrementalSyncing', 'Waiting') {
                Add-Result -Object $b.Batch -Action 'Complete-MigrationBatch' -Result 'Waiting' -Detail "status ${status}: complete it once Synced"
                continue
            }
            if ($status -notin 'Synced', 'SyncedWithErrors') {
                throw "status ${status}: it will not sync on its own (Start-MigrationBatch resumes a stopped batch and retries failed users)"
            }
            $step = 'Complete-MigrationBatch'
            $planned = 'no planned cut-over date'
            if ($b.CompleteAfter) { $planned = "planned cut-over $($b.CompleteAfter) $CutoverTimeUtc UTC" }
            if ($PSCmdlet.ShouldProcess($b.Batch, "Complete-MigrationBatch NOW ($status, $($b.Users) users; $planned): the final sync and switch to the target")) {
                Complete-MigrationBatch -Identity $b.Batch -Confirm:$false -ErrorAction Stop
                Add-Result -Object $b.Batch -Action 'Complete-MigrationBatch' -Result 'Done' -Detail "was $status"
            } else {
                Add-Result -Object $b.Batch -Action 'Complete-MigrationBatch' -Result (Get-NotMade)
            }
        } catch {
            Add-Result -Object $b.Batch -Action $step -Result 'Failed' -Detail $_.Exception.Message
        }
    }
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
