<#
.SYNOPSIS
Applies xtenant's stamping of the TARGET's dir-synced users in the target's on-premises Active
Directory: msExchMailboxGuid, msExchArchiveGUID, mail, targetAddress and proxyAddresses.

.DESCRIPTION
Written by xtenant for the plan in this folder: stamping\onprem-ad.csv holds 132 attribute
change(s) for 94 user(s). Their MailUsers in Exchange Online are synchronised from
on-premises AD, where Set-MailUser cannot change them. Run this on a machine with the
ActiveDirectory module (RSAT), as an account that may write these attributes.

AD stores the GUIDs as octet strings: msExchMailboxGuid and msExchArchiveGUID are written as
([guid]'...').ToByteArray(), the bytes Exchange reads. Each user is read first and only what
still differs is changed, in one Set-ADUser call (Remove, then Add, then Replace), so running it
again is safe and finishes what an earlier run left undone. A user whose GUID changed since the
export (to neither ValueInExport nor the planned value), or whose changes would leave it with no
primary address or two, is left alone and reported. One user that fails is logged and
the others go on. -WhatIf shows every change without making it; the transcript
(logs\Apply-OnPremStamping-<time>.log) and the results (-results.csv) are written either way.

GAL-SYNC CONTACTS FIRST: where stamping\contacts.csv names a contact for one of these users, run
Apply-Stamping.ps1 in Exchange Online before the sync that carries these changes: it removes the
contact, and while the contact exists Entra ID drops the x500s and addresses it holds from the
user (a PropertyConflict) instead of syncing them.

AFTER THIS SCRIPT, A DIRECTORY SYNC MUST RUN before the batch: on the Entra Connect server,
Start-ADSyncSyncCycle -PolicyType Delta, then check in Exchange Online that the MailUsers show
the new ExchangeGuid (Get-MailUser <address> | Format-List ExchangeGuid, EmailAddresses), export
the target again and plan again: every mailbox stamped here must be Ready. Do not licence these
users until then: a licence before ExchangeGuid reaches Exchange Online provisions a new, empty
mailbox.

.PARAMETER Server
A domain controller to read and write (the module's default when omitted).
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [string] $Server,
    [string] $StampingFolder = (Join-Path $PSScriptRoot '..\stamping'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Apply-OnPremStamping'

# <xtenant: common.ps1>
# ---- Active Directory lookups shared by the scripts that run against on-premises AD ---------

function Import-ADModule {
    try {
        Import-Module ActiveDirectory -ErrorAction Stop
    } catch {
        throw "The ActiveDirectory module is needed (RSAT: Active Directory module for Windows PowerShell): $($_.Exception.Message)"
    }
}

# An identity as an LDAP filter value (RFC 4515): \ * ( ) and NUL escaped.
function ConvertTo-LdapValue([string] $Value) {
    return $Value.Replace('\', '\5c').Replace('*', '\2a').Replace('(', '\28').Replace(')', '\29').Replace([string][char]0, '\00')
}

# The one AD user that carries $Identity as its userPrincipalName, mail or an SMTP proxy address,
# with $Properties read (an attribute without a value is absent from the result: read them with
# Get-Prop); stops when none or several do.
function Find-ADUserByAddress([string] $Identity, [string[]] $Properties, [hashtable] $AdParams) {
    $value = ConvertTo-LdapValue $Identity
    try {
        $found = @(Get-ADUser @AdParams -LDAPFilter "(|(userPrincipalName=$value)(mail=$value)(proxyAddresses=smtp:$value))" -Properties $Properties -ErrorAction Stop)
    } catch {
        throw "Get-ADUser ${Identity}: $($_.Exception.Message)"
    }
    if ($found.Count -ne 1) {
        throw "$($found.Count) AD users carry $Identity (by userPrincipalName, mail or proxyAddresses): expected exactly one"
    }
    return $found[0]
}

# A proxy address is the same value when its prefix matches exactly (SMTP: is the primary, smtp:
# a secondary) and its address matches in any case.
function Test-SameProxy([string] $A, [string] $B) {
    $x = $A.Split(':', 2)
    $y = $B.Split(':', 2)
    return $x.Count -eq 2 -and $y.Count -eq 2 -and $x[0] -ceq $y[0] -and $x[1] -eq $y[1]
}

# A value that changed since the export (to neither the planned one nor the one the plan saw)
# is left alone: the user is not what the plan was made from. Addresses compare without their
# SMTP: prefix.
function Assert-Unchanged([string] $Attribute, [string] $Has, $Row) {
    $bare = Get-Bare $Has
    if ($Has -and $bare -ne (Get-Bare $Row.Value) -and $bare -ne (Get-Bare $Row.ValueInExport)) {
        throw "its $Attribute is $Has, neither the export's ($($Row.ValueInExport)) nor the plan's ($($Row.Value)): left alone; export the target again and plan again"
    }
}

function ConvertFrom-GuidBytes($Bytes) {
    if ($null -eq $Bytes) { return '' }
    return ([guid][byte[]]$Bytes).ToString()
}

$StampingFolder = Resolve-Folder $StampingFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    Import-ADModule
    $adParams = @{}
    if ($Server) { $adParams.Server = $Server }
    $rows = @(Import-PlanCsv (Join-Path $StampingFolder 'onprem-ad.csv'))
    foreach ($group in @($rows | Group-Object -Property Identity)) {
        $identity = $group.Name
        $step = 'Get-ADUser'
        try {
            $user = Find-ADUserByAddress $identity @('mail', 'proxyAddresses', 'targetAddress', 'msExchMailboxGuid', 'msExchArchiveGUID') $adParams
            $have = @(@(Get-Prop $user 'proxyAddresses') | ForEach-Object { "$_" })
            $replace = @{}
            $add = New-Object System.Collections.Generic.List[string]
            $remove = New-Object System.Collections.Generic.List[string]
            foreach ($r in $group.Group) {
                switch ($r.Attribute) {
                    'msExchMailboxGuid' {
                        $has = ConvertFrom-GuidBytes (Get-Prop $user 'msExchMailboxGuid')
                        Assert-Unchanged 'msExchMailboxGuid' $has $r
                        if ($has -ne $r.Value) { $replace.msExchMailboxGuid = ([guid]$r.Value).ToByteArray() }
                    }
                    'msExchArchiveGUID' {
                        $has = ConvertFrom-GuidBytes (Get-Prop $user 'msExchArchiveGUID')
                        Assert-Unchanged 'msExchArchiveGUID' $has $r
                        if ($has -ne $r.Value) { $replace.msExchArchiveGUID = ([guid]$r.Value).ToByteArray() }
                    }
                    'mail' {
                        $has = "$(Get-Prop $user 'mail')"
                        Assert-Unchanged 'mail' $has $r
                        if ($has -ne $r.Value) { $replace.mail = $r.Value }
                    }
                    'targetAddress' {
                        $has = "$(Get-Prop $user 'targetAddress')"
                        Assert-Unchanged 'targetAddress' $has $r
                        if ((Get-Bare $has) -ne (Get-Bare $r.Value)) { $replace.targetAddress = $r.Value }
                    }
                    'proxyAddresses' {
                        if ($r.Operation -eq 'Remove') {
                            # Whatever its prefix case: the address must go.
                            foreach ($h in $have) { if ($h -eq $r.Value -and -not $remove.Contains($h)) { $remove.Add($h) } }
                        } elseif (-not @($have | Where-Object { Test-SameProxy $_ $r.Value }).Count) {
                            # The same address with the other prefix case (smtp: where SMTP: is
                            # wanted) goes first: AD would see the two as one value.
                            foreach ($h in $have) { if ($h -eq $r.Value -and -not $remove.Contains($h)) { $remove.Add($h) } }
                            if (-not $add.Contains($r.Value)) { $add.Add($r.Value) }
                        }
                    }
                    default { throw "unknown attribute $($r.Attribute) in onprem-ad.csv" }
                }
            }
            # One primary address (SMTP:) before and after: never removed without a new one, never
            # a second one added beside it.
            $primaries = @(@($have | Where-Object { $_ -cmatch '^SMTP:' -and -not $remove.Contains($_) }) + @($add | Where-Object { $_ -cmatch '^SMTP:' }))
            $touched = @(@($remove) + @($add) | Where-Object { $_ -cmatch '^SMTP:' }).Count -gt 0
            if ($touched -and $primaries.Count -ne 1) {
                throw "the changes would leave $($primaries.Count) primary addresses ($($primaries -join ', ')): left alone; export the target again and plan again"
            }
            $change = @{}
            if ($remove.Count -gt 0) { $change.Remove = @{ proxyAddresses = [string[]]$remove } }
            if ($add.Count -gt 0) { $change.Add = @{ proxyAddresses = [string[]]$add } }
            if ($replace.Count -gt 0) { $change.Replace = $replace }
            if ($change.Count -eq 0) {
                Add-Result -Object $identity -Action 'Set-ADUser' -Result 'AlreadyDone'
                continue
            }
            $what = @()
            if ($replace.Count -gt 0) { $what += "replace $(@($replace.Keys | Sort-Object) -join ', ')" }
            if ($remove.Count -gt 0) { $what += "remove proxyAddresses [$($remove -join ', ')]" }
            if ($add.Count -gt 0) { $what += "add proxyAddresses [$($add -join ', ')]" }
            $step = 'Set-ADUser'
            $dn = "$(Get-Prop $user 'DistinguishedName')"
            if ($PSCmdlet.ShouldProcess($dn, "Set-ADUser: $($what -join '; ')")) {
                Set-ADUser @adParams -Identity $dn @change -Confirm:$false -ErrorAction Stop
                Add-Result -Object $identity -Action 'Set-ADUser' -Result 'Done' -Detail ($what -join '; ')
            } else {
                Add-Result -Object $identity -Action 'Set-ADUser' -Result (Get-NotMade) -Detail ($what -join '; ')
            }
        } catch {
            Add-Result -Object $identity -Action $step -Result 'Failed' -Detail $_.Exception.Message
        }
    }
    Write-Host 'Next: run a delta sync (Start-ADSyncSyncCycle -PolicyType Delta on the Entra Connect server), wait for it to reach Exchange Online, export the target again and plan again.'
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
