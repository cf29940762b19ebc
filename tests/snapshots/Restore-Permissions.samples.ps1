<#
.SYNOPSIS
Grants again, in the TARGET tenant, the permissions a cross-tenant move does not carry: Send-As,
send-on-behalf, and FullAccess between mailboxes that moved in different batches.

.DESCRIPTION
Written by xtenant: stamping\permissions.csv lists 256 grant(s) to make again and
118 that cannot be made (the holder does not migrate, is ambiguous, or is not a source
mailbox: a group, a user without a mailbox). Those are listed there with the reason, for a
decision; this script counts them and leaves them alone.

Why: only permissions stored in the mailbox move with it, and only when the mailbox and the
holder move together. Send-As is a directory permission and send-on-behalf (GrantSendOnBehalfTo)
is a directory attribute: neither moves. FullAccess moves when both are in the same batch; for
pairs the plan put in different batches (XT501) it is granted here.

When each grant is made (the file's GrantAfterWave says which wave that is; the script itself
looks at the objects in the tenant, so it never grants too early):
- SendAs (Add-RecipientPermission): as soon as both objects exist in the target. The stamped
  MailUsers qualify, so the grant is made before the move and there is no gap at cut-over. Run
  this script after Apply-Stamping.ps1, and again after each wave.
- SendOnBehalf (Set-Mailbox -GrantSendOnBehalfTo): once the mailbox has moved (it must be a
  mailbox; the delegate may still be a MailUser).
- FullAccess (Add-MailboxPermission, AutoMapping as Exchange sets it by default): once both have
  moved, i.e. after the later of the two waves.
A grant whose condition is not met yet is reported as Waiting and made by a later run. A grant
that is already in place is reported as AlreadyDone: running it again is always safe.

Select rows with -Wave (rows whose mailbox or holder is in those waves), -Mailbox (the Mailbox
column's addresses) and -Permission; all rows otherwise. -WhatIf shows every grant without
making it. Each run writes logs\Restore-Permissions-<time>.log and -results.csv.

.PARAMETER Wave
Only rows whose MailboxWave or TrusteeWave is one of these waves.

.PARAMETER Mailbox
Only rows whose Mailbox is one of these addresses.

.PARAMETER Permission
SendAs, SendOnBehalf and/or FullAccess (all by default).
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string[]] $Wave,
    [string[]] $Mailbox,
    [ValidateSet('SendAs', 'SendOnBehalf', 'FullAccess')] [string[]] $Permission = @('SendAs', 'SendOnBehalf', 'FullAccess'),
    [string] $StampingFolder = (Join-Path $PSScriptRoot '..\stamping'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Restore-Permissions'

# <xtenant: common.ps1>
# <xtenant: exchange.ps1>
# Each target recipient is looked up once per run ($false: not in the target).
$script:Recipients = @{}
function Get-TargetRecipient([string] $Identity) {
    $key = $Identity.ToLowerInvariant()
    if (-not $script:Recipients.ContainsKey($key)) {
        $found = Find-Object 'Get-Recipient' $Identity
        if ($null -eq $found) { $found = $false }
        $script:Recipients[$key] = $found
    }
    return $script:Recipients[$key]
}

function Test-IsMailbox($Recipient) {
    return "$(Get-Prop $Recipient 'RecipientTypeDetails')" -like '*Mailbox'
}

$StampingFolder = Resolve-Folder $StampingFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    $all = @(Import-PlanCsv (Join-Path $StampingFolder 'permissions.csv'))
    $rows = @($all | Where-Object { $Permission -contains $_.Permission })
    if ($Wave) { $rows = @($rows | Where-Object { $Wave -contains $_.MailboxWave -or $Wave -contains $_.TrusteeWave }) }
    if ($Mailbox) { $rows = @($rows | Where-Object { $Mailbox -contains $_.Mailbox }) }
    $held = @($rows | Where-Object { $_.Status -ne 'Restamp' })
    $rows = @($rows | Where-Object { $_.Status -eq 'Restamp' })
    if ($held.Count -gt 0) {
        Write-Warning "$($held.Count) selected permission(s) cannot be granted as they are (Status TrusteeNotMigrating, TrusteeAmbiguous or TrusteeUnresolved): see stamping\permissions.csv and decide each."
    }

    foreach ($row in $rows) {
        $object = "$($row.Mailbox) <- $($row.Trustee)"
        $step = 'Get-Recipient'
        try {
            $m = Get-TargetRecipient $row.Mailbox
            $t = Get-TargetRecipient $row.Trustee
            if (-not $m) {
                Add-Result -Object $object -Action $row.Permission -Result 'Waiting' -Detail "$($row.Mailbox) is not in the target yet (stamp it first)"
                continue
            }
            if (-not $t) {
                Add-Result -Object $object -Action $row.Permission -Result 'Waiting' -Detail "$($row.Trustee) is not in the target yet (stamp it first)"
                continue
            }
            switch ($row.Permission) {
                'SendAs' {
                    $step = 'Get-RecipientPermission'
                    $has = @(Get-RecipientPermission -Identity $row.Mailbox -Trustee $row.Trustee -AccessRights SendAs -ErrorAction Stop |
                        Where-Object { "$(Get-Prop $_ 'AccessControlType')" -ne 'Deny' })
                    if ($has.Count -gt 0) {
                        Add-Result -Object $object -Action 'SendAs' -Result 'AlreadyDone'
                    } else {
                        $step = 'Add-RecipientPermission'
                        if ($PSCmdlet.ShouldProcess($row.Mailbox, "Add-RecipientPermission -Trustee $($row.Trustee) -AccessRights SendAs")) {
                            Add-RecipientPermission -Identity $row.Mailbox -Trustee $row.Trustee -AccessRights SendAs -Confirm:$false -ErrorAction Stop | Out-Null
                            Add-Result -Object $object -Action 'SendAs' -Result 'Done'
                        } else {
                            Add-Result -Object $object -Action 'SendAs' -Result (Get-NotMade)
                        }
                    }
                }
                'SendOnBehalf' {
                    if (-not (Test-IsMailbox $m)) {
                        Add-Result -Object $object -Action 'SendOnBehalf' -Result 'Waiting' -Detail "$($row.Mailbox) has not moved yet (wave $($row.MailboxWave))"
                    } else {
                        $step = 'Get-Mailbox'
                        $mailbox = Get-Mailbox -Identity $row.Mailbox -ErrorAction Stop
                        $delegates = @(@(Get-Prop $mailbox 'GrantSendOnBehalfTo') | ForEach-Object { "$_" })
                        if (@($delegates | Where-Object { Test-Carries $t $_ }).Count -gt 0) {
                            Add-Result -Object $object -Action 'SendOnBehalf' -Result 'AlreadyDone'
                        } else {
                            $step = 'Set-Mailbox -GrantSendOnBehalfTo'
                            if ($PSCmdlet.ShouldProcess($row.Mailbox, "Set-Mailbox -GrantSendOnBehalfTo @{Add = $($row.Trustee)}")) {
                                Set-Mailbox -Identity $row.Mailbox -GrantSendOnBehalfTo @{ Add = $row.Trustee } -Confirm:$false -ErrorAction Stop
                                Add-Result -Object $object -Action 'SendOnBehalf' -Result 'Done'
                            } else {
                                Add-Result -Object $object -Action 'SendOnBehalf' -Result (Get-NotMade)
                            }
                        }
                    }
                }
                'FullAccess' {
                    if (-not (Test-IsMailbox $m) -or -not (Test-IsMailbox $t)) {
                        Add-Result -Object $object -Action 'FullAccess' -Result 'Waiting' -Detail "both must have moved (waves $($row.MailboxWave) and $($row.TrusteeWave))"
                    } else {
                        $step = 'Get-MailboxPermission'
                        $has = @(Get-MailboxPermission -Identity $row.Mailbox -User $row.Trustee -ErrorAction Stop |
                            Where-Object { "$(Get-Prop $_ 'AccessRights')" -match 'FullAccess' -and -not (Get-Prop $_ 'Deny') })
                        if ($has.Count -gt 0) {
                            Add-Result -Object $object -Action 'FullAccess' -Result 'AlreadyDone'
                        } else {
                            $step = 'Add-MailboxPermission'
                            if ($PSCmdlet.ShouldProcess($row.Mailbox, "Add-MailboxPermission -User $($row.Trustee) -AccessRights FullAccess")) {
                                Add-MailboxPermission -Identity $row.Mailbox -User $row.Trustee -AccessRights FullAccess -InheritanceType All -Confirm:$false -ErrorAction Stop | Out-Null
                                Add-Result -Object $object -Action 'FullAccess' -Result 'Done'
                            } else {
                                Add-Result -Object $object -Action 'FullAccess' -Result (Get-NotMade)
                            }
                        }
                    }
                }
            }
        } catch {
            Add-Result -Object $object -Action "$($row.Permission) ($step)" -Result 'Failed' -Detail $_.Exception.Message
        }
    }
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
