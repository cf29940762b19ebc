<#
.SYNOPSIS
Retries, in the TARGET tenant, the failed migration users whose cause is gone
(Start-MigrationBatch on their batch).

.DESCRIPTION
Written by xtenant track. Reads ..\actions\retry.csv: every failed user of the plan, with its
cause and a Retry column. xtenant wrote Yes where the failure was transient, or where the
readiness check that predicts the cause no longer finds it in the plan (plan again on fresh
exports after fixing, then track again). Set Retry to Yes yourself for a user you fixed by
other means.

Exchange retries failed users per batch: Start-MigrationBatch "can be run at any time to retry
failed users within the batch" (Microsoft's cmdlet reference). So this script starts each batch
that holds a Yes row and still has a failed user; every failed user of that batch is retried,
the No rows too (they fail again, with the same error, until fixed). A batch without failed
users any more is reported as AlreadyDone, so it is safe to run again.

A user who must move to another batch is removed first (Remove-MovedUsers.ps1): a new batch
refuses a user still in another one (UserDuplicateInOtherBatchException).

Select batches with -Batch; all by default. -WhatIf shows what would be retried. Each run writes
logs\Start-FailedUsers-<time>.log and -results.csv.

.PARAMETER Batch
Only these batches.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string[]] $Batch,
    [string] $ActionFolder = (Join-Path $PSScriptRoot '..\actions'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Start-FailedUsers'

!COMMON!
!EXCHANGE!
$ActionFolder = Resolve-Folder $ActionFolder
$LogFolder = Resolve-Folder $LogFolder
$FailedStatuses = @('Failed', 'IncrementalFailed', 'CompletionFailed', 'Corrupted')
Start-RunLog
try {
    $rows = @(Import-PlanCsv (Join-Path $ActionFolder 'retry.csv') | Where-Object { $_.Retry -eq 'Yes' })
    if ($Batch) { $rows = @($rows | Where-Object { $Batch -contains $_.Batch }) }
    $batches = @($rows | ForEach-Object { $_.Batch } | Sort-Object -Unique)
    foreach ($b in $batches) {
        $step = 'Get-MigrationUser'
        try {
            $failed = @(Get-MigrationUser -BatchId $b -ResultSize Unlimited -ErrorAction Stop | Where-Object { $FailedStatuses -contains "$(Get-Prop $_ 'Status')" })
            if ($failed.Count -eq 0) {
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result 'AlreadyDone' -Detail 'no failed user in the batch any more'
                continue
            }
            $ready = @($rows | Where-Object { $_.Batch -eq $b }).Count
            $step = 'Start-MigrationBatch'
            if ($PSCmdlet.ShouldProcess($b, "Start-MigrationBatch: retry its $($failed.Count) failed user(s), $ready of them marked Yes in retry.csv")) {
                Start-MigrationBatch -Identity $b -Confirm:$false -ErrorAction Stop
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result 'Done' -Detail "$($failed.Count) failed user(s) retried"
            } else {
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result (Get-NotMade)
            }
        } catch {
            Add-Result -Object $b -Action $step -Result 'Failed' -Detail $_.Exception.Message
        }
    }
    if ($batches.Count -eq 0) {
        Write-Host 'No row of retry.csv says Retry = Yes: nothing to retry.'
    }
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
