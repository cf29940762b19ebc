<#
.SYNOPSIS
Removes the completed migration batches of the waves you name from the TARGET tenant
(Remove-MigrationBatch): Exchange Online keeps at most 100 migration batches.

.DESCRIPTION
Written by xtenant. Reads ..\batches\batches.csv. Only Completed batches are removed;
CompletedWithErrors ones only with -IncludeCompletedWithErrors (removing a batch removes its
users' migration state: look at the failed users first, Get-MigrationUser -BatchId <batch>).
Removing a batch does not touch the moved mailboxes; its users' migration state goes with it,
so their list and status are written first to logs\Remove-MigrationBatches-<time>-<batch>-users.csv. A batch already gone is reported as
AlreadyDone, so it is safe to run again. -WhatIf shows what would be removed. Each run writes
logs\Remove-MigrationBatches-<time>.log and -results.csv.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)] [string[]] $Wave,
    [switch] $IncludeCompletedWithErrors,
    [string] $BatchFolder = (Join-Path $PSScriptRoot '..\batches'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Remove-MigrationBatches'

!COMMON!
!EXCHANGE!
$BatchFolder = Resolve-Folder $BatchFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    $batches = @(Select-PlanBatches $Wave)
    $tenantBatches = Get-TenantBatches
    foreach ($b in $batches) {
        $step = 'Get-MigrationBatch'
        try {
            $batch = $tenantBatches[$b.Batch]
            if ($null -eq $batch -or "$(Get-Prop $batch 'Status')" -eq 'Removing') {
                Add-Result -Object $b.Batch -Action 'Remove-MigrationBatch' -Result 'AlreadyDone' -Detail 'no such migration batch, or being removed (removed already, or never created)'
                continue
            }
            $status = "$(Get-Prop $batch 'Status')"
            $removable = $status -eq 'Completed' -or ($status -eq 'CompletedWithErrors' -and $IncludeCompletedWithErrors)
            if (-not $removable) {
                $why = "status ${status}: only completed batches are removed"
                if ($status -eq 'CompletedWithErrors') { $why = 'CompletedWithErrors: look at its failed users first, then pass -IncludeCompletedWithErrors' }
                Add-Result -Object $b.Batch -Action 'Remove-MigrationBatch' -Result 'Skipped' -Detail $why
                continue
            }
            $step = 'Remove-MigrationBatch'
            if ($PSCmdlet.ShouldProcess($b.Batch, "Remove-MigrationBatch ($status)")) {
                # Its users' migration state goes with it: kept first, as evidence.
                $step = 'Get-MigrationUser (keep its users)'
                $users = @(Get-MigrationUser -BatchId $b.Batch -ResultSize Unlimited -ErrorAction Stop)
                $kept = Join-Path $LogFolder "$ScriptName-$script:RunStamp-$($b.Batch)-users.csv"
                $users | Select-Object Identity, Status, StatusSummary, ErrorSummary, LastSuccessfulSyncTime | Export-Csv -Path $kept -NoTypeInformation -Encoding UTF8 -WhatIf:$false -Confirm:$false -ErrorAction Stop
                $step = 'Remove-MigrationBatch'
                Remove-MigrationBatch -Identity $b.Batch -Confirm:$false -ErrorAction Stop
                Add-Result -Object $b.Batch -Action 'Remove-MigrationBatch' -Result 'Done' -Detail "was $status"
            } else {
                Add-Result -Object $b.Batch -Action 'Remove-MigrationBatch' -Result (Get-NotMade)
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
