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
Start-MigrationBatch), and run this script with -Reviewed: without it, it only lists the rows
(nothing is looked up in the tenant, -WhatIf or not).

Set-MigrationUser -ApproveSkippedItems approves every item skipped until now, so a user with
more skipped items than the count you reviewed (SkippedItemCount) is left alone and reported:
track again and review the new ones. Only Synced users are approved here; a user Failed on bad
items (cause MF114) needs its limit raised first (see the Fix in retry.csv).

A user whose items are approved already is reported as AlreadyDone, one no longer a migration
user or no longer Synced as Skipped, so it is safe to run again. The script asks before each
user (ConfirmImpact High; -Confirm:$false answers yes for all). With -Reviewed, -WhatIf shows
what would be approved. Each run writes logs\Approve-SkippedItems-<time>.log and -results.csv.

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
!TRACK!
$ActionFolder = Resolve-Folder $ActionFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    $rows = @(Import-ActionCsv (Join-Path $ActionFolder 'skipped-items.csv') @('EmailAddress', 'Batch', 'SkippedItemCount', 'Approve') | Where-Object { $_.Approve -eq 'Yes' })
    foreach ($r in $rows) {
        $user = $r.EmailAddress
        $action = 'Set-MigrationUser -ApproveSkippedItems'
        if (-not $Reviewed) {
            Add-Result -Object $user -Action $action -Result 'Skipped' -Detail "$($r.SkippedItemCount) skipped item(s): review them, then run again with -Reviewed"
            continue
        }
        $step = 'Get-MigrationUser'
        try {
            $mu = Get-BatchMigrationUser $user $r.Batch
            if ($null -eq $mu) {
                Add-Result -Object $user -Action $action -Result 'Skipped' -Detail 'not a migration user any more (its batch was removed?): nothing approved'
                continue
            }
            $step = 'Get-MigrationUserStatistics'
            $stats = Get-MigrationUserStatistics -Identity $user -ErrorAction Stop
            $status = "$(Get-Prop $stats 'Status')"
            $unapproved = Get-Prop $stats 'HasUnapprovedSkippedItems'
            if ($null -eq $unapproved) {
                throw 'Get-MigrationUserStatistics returned no HasUnapprovedSkippedItems: cannot tell whether items wait for approval'
            }
            if ("$unapproved" -ne 'True') {
                Add-Result -Object $user -Action $action -Result 'AlreadyDone' -Detail "no unapproved skipped items (status $status)"
                continue
            }
            if ($status -notlike '*Synced') {
                Add-Result -Object $user -Action $action -Result 'Skipped' -Detail "status ${status}: approve once it is Synced"
                continue
            }
            $now = [int64]"0$(Get-Prop $stats 'SkippedItemCount')"
            $reviewed = [int64]"0$($r.SkippedItemCount)"
            if ($now -gt $reviewed) {
                Add-Result -Object $user -Action $action -Result 'Skipped' -Detail "$now skipped item(s) now, $reviewed when reviewed: track again and review the new ones"
                continue
            }
            $step = 'Set-MigrationUser'
            if ($PSCmdlet.ShouldProcess($user, "Set-MigrationUser -ApproveSkippedItems ($now item(s) will not be migrated)")) {
                Set-MigrationUser -Identity $user -ApproveSkippedItems -Confirm:$false -ErrorAction Stop
                Add-Result -Object $user -Action $action -Result 'Done' -Detail "$now skipped item(s) approved"
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
