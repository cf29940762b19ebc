<#
.SYNOPSIS
For a HYBRID SOURCE, in the source's on-premises Exchange Management Shell: points each moved
user's on-premises object (a RemoteMailbox) at its new mailbox in the target tenant.

.DESCRIPTION
Written by xtenant. Reads ..\stamping\routing.csv. When a mailbox moves, Exchange Online
turns the source's cloud object into a MailUser that routes to the target; the source's
on-premises object still routes to the source tenant, and free/busy lookups do not follow more
than one redirect. Microsoft's article: update the targetAddress (RemoteRoutingAddress) of each
source on-premises user when its mailbox moves. This script sets RemoteRoutingAddress to the
user's address in the target's delivery domain (the address the move stamps on the cloud object).

Run it once the wave's batches are completed in the target, with -CompletedUsers (the users whose
move completed, exported there) so that a user whose move failed keeps routing to the source;
then let the directory sync run. A user with no RemoteMailbox on-premises (a cloud-only user) is
Skipped; one already routed there is AlreadyDone, so it is safe to run again. -WhatIf shows every
change without making it. Each run writes logs\Update-SourceRouting-<time>.log and -results.csv.

A source that is cloud-only (no Exchange on-premises) needs none of this.

.PARAMETER Wave
The completed waves whose users to route, as in routing.csv.

.PARAMETER CompletedUsers
A CSV of the target's migration users that completed, exported in the TARGET tenant:
    Get-MigrationUser -ResultSize Unlimited |
      Where-Object { "$($_.Status)" -in 'Completed', 'CompletedWithWarnings' } |
      Select-Object Identity | Export-Csv completed-users.csv -NoTypeInformation -Encoding UTF8
Only these users are routed: a user who failed in a CompletedWithErrors batch still has its
mailbox in the source and must keep routing there.

.PARAMETER AllUsersOfWave
Route every user of the waves without -CompletedUsers: only when every batch of the waves
completed without errors.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)] [string[]] $Wave,
    [string] $CompletedUsers,
    [switch] $AllUsersOfWave,
    [string] $StampingFolder = (Join-Path $PSScriptRoot '..\stamping'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Update-SourceRouting'

# <xtenant: common.ps1>
# <xtenant: exchange.ps1>
$StampingFolder = Resolve-Folder $StampingFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    $rows = @(Import-PlanCsv (Join-Path $StampingFolder 'routing.csv') | Where-Object { $Wave -contains $_.Wave })
    if ($rows.Count -eq 0) { throw "No user of wave(s) $($Wave -join ', ') in routing.csv" }
    $completed = Get-CompletedUsers $CompletedUsers $AllUsersOfWave
    foreach ($row in $rows) {
        $step = 'Get-RemoteMailbox'
        try {
            if (-not $row.RemoteRoutingAddress) {
                throw 'no routing address: the plan had no delivery domain (give xtenant --delivery-domain and plan again)'
            }
            if ($null -ne $completed -and -not $completed.Contains($row.TargetAddress)) {
                Add-Result -Object $row.SourcePrimarySmtpAddress -Action 'Set-RemoteMailbox' -Result 'Waiting' -Detail "$($row.TargetAddress) has not completed its move (not in $CompletedUsers)"
                continue
            }
            $remote = Find-Object 'Get-RemoteMailbox' $row.SourcePrimarySmtpAddress
            if ($null -eq $remote) {
                Add-Result -Object $row.SourcePrimarySmtpAddress -Action 'Set-RemoteMailbox' -Result 'Skipped' -Detail 'no RemoteMailbox on-premises (a cloud-only user): nothing to route'
                continue
            }
            if ((Get-Bare "$(Get-Prop $remote 'RemoteRoutingAddress')") -eq $row.RemoteRoutingAddress) {
                Add-Result -Object $row.SourcePrimarySmtpAddress -Action 'Set-RemoteMailbox' -Result 'AlreadyDone'
                continue
            }
            $step = 'Set-RemoteMailbox'
            if ($PSCmdlet.ShouldProcess($row.SourcePrimarySmtpAddress, "Set-RemoteMailbox -RemoteRoutingAddress $($row.RemoteRoutingAddress)")) {
                Set-RemoteMailbox -Identity $row.SourcePrimarySmtpAddress -RemoteRoutingAddress $row.RemoteRoutingAddress -Confirm:$false -ErrorAction Stop
                Add-Result -Object $row.SourcePrimarySmtpAddress -Action 'Set-RemoteMailbox' -Result 'Done' -Detail "now routes to $($row.RemoteRoutingAddress)"
            } else {
                Add-Result -Object $row.SourcePrimarySmtpAddress -Action 'Set-RemoteMailbox' -Result (Get-NotMade)
            }
        } catch {
            Add-Result -Object $row.SourcePrimarySmtpAddress -Action $step -Result 'Failed' -Detail $_.Exception.Message
        }
    }
    $looked = @($script:Results | Where-Object { $_.Result -ne 'Waiting' })
    if ($looked.Count -gt 0 -and @($looked | Where-Object { $_.Result -ne 'Skipped' }).Count -eq 0) {
        Write-Warning 'No user of these waves has a RemoteMailbox here: is this the SOURCE organisation''s Exchange Management Shell? A cloud-only source needs none of this.'
    }
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
