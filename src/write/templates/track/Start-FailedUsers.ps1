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
failed users within the batch" (Microsoft's cmdlet reference). So this script starts a batch
only while one of its Yes users is still failed, and then every failed user of that batch is
retried: the No rows too (they fail again, with the same error, until fixed), and users the
plan does not place. The confirmation names them. A batch none of whose Yes users is failed
any more is reported as AlreadyDone, so it is safe to run again.

Start-MigrationBatch also resumes a Stopped batch: a batch stopped on purpose (Stopped,
Stopping) is left alone unless -IncludeStopped, and a batch being completed or removed is
always left alone. A user retried in a batch whose CompleteAfter has passed completes as soon
as it is synced: its cut-over happens then, not at a planned time.

A user who must move to another batch is removed first (Remove-MigrationUsers.ps1): a new batch
refuses a user still in another one (UserDuplicateInOtherBatchException).

Select batches with -Batch; all by default. -WhatIf shows what would be retried. Each run writes
logs\Start-FailedUsers-<time>.log and -results.csv.

.PARAMETER Batch
Only these batches.

.PARAMETER IncludeStopped
Resume a batch someone stopped too (Start-MigrationBatch resumes it whole).
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string[]] $Batch,
    [switch] $IncludeStopped,
    [string] $ActionFolder = (Join-Path $PSScriptRoot '..\actions'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Start-FailedUsers'

!COMMON!
!EXCHANGE!
!TRACK!
$ActionFolder = Resolve-Folder $ActionFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    $all = @(Import-ActionCsv (Join-Path $ActionFolder 'retry.csv') @('EmailAddress', 'Batch', 'Cause', 'Retry'))
    $rows = @($all | Where-Object { $_.Retry -eq 'Yes' })
    if ($Batch) { $rows = @($rows | Where-Object { $Batch -contains $_.Batch }) }
    $batches = @($rows | ForEach-Object { $_.Batch } | Sort-Object -Unique)
    if ($batches.Count -gt 0) { $tenantBatches = Get-TenantBatches }
    foreach ($b in $batches) {
        $step = 'Get-MigrationBatch'
        try {
            $tb = $tenantBatches[$b]
            if ($null -eq $tb) {
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result 'Waiting' -Detail 'no such migration batch (removed, or not created yet): track again'
                continue
            }
            $status = "$(Get-Prop $tb 'Status')"
            if ($status -in 'Completing', 'Removing', 'Completed') {
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result 'Skipped' -Detail "batch status ${status}: nothing to retry now"
                continue
            }
            if ($status -in 'Stopped', 'Stopping' -and -not $IncludeStopped) {
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result 'Skipped' -Detail "batch status ${status}: someone stopped it; pass -IncludeStopped to resume it whole"
                continue
            }
            $step = 'Get-MigrationUser'
            $failed = @(Get-MigrationUser -BatchId $b -StatusSummary Failed -ResultSize Unlimited -ErrorAction Stop)
            $failedNames = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
            foreach ($u in $failed) {
                foreach ($name in "$(Get-Prop $u 'Identity')", "$(Get-Prop $u 'MailboxEmailAddress')") {
                    if ($name) { [void]$failedNames.Add($name) }
                }
            }
            $ready = @($rows | Where-Object { $_.Batch -eq $b -and $failedNames.Contains($_.EmailAddress) })
            if ($ready.Count -eq 0) {
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result 'AlreadyDone' -Detail "none of its Yes users is failed any more ($($failed.Count) other failed user(s) in the batch)"
                continue
            }
            $others = $failed.Count - $ready.Count
            $step = 'Start-MigrationBatch'
            if ($PSCmdlet.ShouldProcess($b, "Start-MigrationBatch (status $status): retry $($ready.Count) user(s) marked Yes, and $others other failed user(s) of the batch with them")) {
                Start-MigrationBatch -Identity $b -Confirm:$false -ErrorAction Stop
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result 'Done' -Detail "$($ready.Count) Yes user(s) and $others other failed user(s) retried"
            } else {
                Add-Result -Object $b -Action 'Start-MigrationBatch' -Result (Get-NotMade)
            }
        } catch {
            Add-Result -Object $b -Action $step -Result 'Failed' -Detail $_.Exception.Message
        }
    }
    if ($batches.Count -eq 0) {
        if ($Batch) {
            Write-Host "No row of retry.csv in batch(es) $($Batch -join ', ') says Retry = Yes: nothing to retry."
        } else {
            Write-Host 'No row of retry.csv says Retry = Yes: nothing to retry.'
        }
    }
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
