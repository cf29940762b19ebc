<#
.SYNOPSIS
Approves, in the TARGET tenant, the skipped items of the synced migration users you reviewed
(Set-MigrationUser -ApproveSkippedItems), so their batch can complete.

.DESCRIPTION
Written by xtenant track. Reads ..\actions\skipped-items.csv: the Synced users whose skipped
items (corrupt or too large, lost in the move) wait for approval. A batch with such users
stays Synced past its CompleteAfter (BatchStuck True). Look at what would be lost first:
Get-MigrationUserStatistics -Identity <user> -IncludeSkippedItems | Select-Object -ExpandProperty SkippedItems
Set Approve to No for a user whose items must not be lost (fix them in the source, then
Start-MigrationBatch), and run this script with -Reviewed: without it, it only lists.

A user whose items are approved already, or who is no longer Synced, is reported as AlreadyDone
or Skipped, so it is safe to run again. -WhatIf shows what would be approved. Each run writes
logs\Approve-SkippedItems-<time>.log and -results.csv.

.PARAMETER Reviewed
You looked at the skipped items of the Yes rows and accept their loss.
#>
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'High')]
param(
    [switch] $Reviewed,
    [string] $ActionFolder = (Join-Path $PSScriptRoot '..\actions'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Approve-SkippedItems'

!COMMON!
!EXCHANGE!
$ActionFolder = Resolve-Folder $ActionFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    $rows = @(Import-PlanCsv (Join-Path $ActionFolder 'skipped-items.csv') | Where-Object { $_.Approve -eq 'Yes' })
    foreach ($r in $rows) {
        $user = $r.EmailAddress
        if (-not $Reviewed) {
            Add-Result -Object $user -Action 'Set-MigrationUser -ApproveSkippedItems' -Result 'Skipped' -Detail "$($r.SkippedItemCount) skipped item(s): review them, then run again with -Reviewed"
            continue
        }
        $step = 'Get-MigrationUserStatistics'
        try {
            $stats = Get-MigrationUserStatistics -Identity $user -ErrorAction Stop
            $status = "$(Get-Prop $stats 'Status')"
            if ("$(Get-Prop $stats 'HasUnapprovedSkippedItems')" -ne 'True') {
                Add-Result -Object $user -Action 'Set-MigrationUser -ApproveSkippedItems' -Result 'AlreadyDone' -Detail "no unapproved skipped items (status $status)"
                continue
            }
            if ($status -notlike '*Synced') {
                Add-Result -Object $user -Action 'Set-MigrationUser -ApproveSkippedItems' -Result 'Skipped' -Detail "status ${status}: approve once it is Synced"
                continue
            }
            $step = 'Set-MigrationUser'
            if ($PSCmdlet.ShouldProcess($user, "Set-MigrationUser -ApproveSkippedItems ($($r.SkippedItemCount) item(s) will not be migrated)")) {
                Set-MigrationUser -Identity $user -ApproveSkippedItems -Confirm:$false -ErrorAction Stop
                Add-Result -Object $user -Action 'Set-MigrationUser -ApproveSkippedItems' -Result 'Done' -Detail "$($r.SkippedItemCount) skipped item(s) approved"
            } else {
                Add-Result -Object $user -Action 'Set-MigrationUser -ApproveSkippedItems' -Result (Get-NotMade)
            }
        } catch {
            if (Test-NotFound $_) {
                Add-Result -Object $user -Action $step -Result 'AlreadyDone' -Detail 'no such migration user (its batch was removed)'
            } else {
                Add-Result -Object $user -Action $step -Result 'Failed' -Detail $_.Exception.Message
            }
        }
    }
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
