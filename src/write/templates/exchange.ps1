# ---- Exchange lookups shared by the scripts that run in Exchange PowerShell ----------------

# Whether an error says the object does not exist, rather than, say, throttling or a lost
# connection (those stop the object and are logged as failures).
function Test-NotFound($ErrorRecord) {
    if ("$($ErrorRecord.CategoryInfo.Category)" -eq 'ObjectNotFound') { return $true }
    $text = "$($ErrorRecord.Exception.Message) $($ErrorRecord.FullyQualifiedErrorId) $($ErrorRecord.CategoryInfo.Reason)"
    return $text -match "couldn't be found|could not be found|NotFoundException|ManagementObjectNotFound|RecipientNotFound|cannot find an object"
}

# Whether an object carries $Identity as its name, GUID, UPN or one of its addresses (not its
# display name, which two recipients may share).
function Test-Carries($Object, [string] $Identity) {
    foreach ($name in 'Identity', 'Name', 'Guid', 'ExchangeObjectId', 'ExternalDirectoryObjectId', 'UserPrincipalName', 'MicrosoftOnlineServicesID', 'WindowsLiveID', 'PrimarySmtpAddress', 'DistinguishedName') {
        $v = Get-Prop $Object $name
        if ($null -ne $v -and "$v" -ne '' -and "$v" -eq $Identity) { return $true }
    }
    foreach ($a in @(Get-Prop $Object 'EmailAddresses')) {
        if ((Get-Bare "$a") -eq $Identity) { return $true }
    }
    return $false
}

# The one object $Cmdlet finds for $Identity, or $null when there is none. The Exchange
# reference warns that some Get- cmdlets given an identity that matches nothing return every
# object instead: only an object that carries the identity counts.
function Find-Object([string] $Cmdlet, [string] $Identity) {
    $found = @()
    try {
        switch ($Cmdlet) {
            'Get-MailUser' { $found = @(Get-MailUser -Identity $Identity -ErrorAction Stop) }
            'Get-MailContact' { $found = @(Get-MailContact -Identity $Identity -ErrorAction Stop) }
            # The reference warns that an identity that matches nothing may return every
            # recipient: a few are enough to tell.
            'Get-Recipient' { $found = @(Get-Recipient -Identity $Identity -ResultSize 10 -ErrorAction Stop) }
            'Get-RemoteMailbox' { $found = @(Get-RemoteMailbox -Identity $Identity -ErrorAction Stop) }
            'Get-Mailbox' { $found = @(Get-Mailbox -Identity $Identity -ErrorAction Stop) }
            'Get-DistributionGroup' { $found = @(Get-DistributionGroup -Identity $Identity -ErrorAction Stop) }
            'Get-DynamicDistributionGroup' { $found = @(Get-DynamicDistributionGroup -Identity $Identity -ErrorAction Stop) }
            'Get-UnifiedGroup' { $found = @(Get-UnifiedGroup -Identity $Identity -ErrorAction Stop) }
            'Get-MailPublicFolder' { $found = @(Get-MailPublicFolder -Identity $Identity -ErrorAction Stop) }
            default { throw "Find-Object: $Cmdlet is not a lookup this script knows" }
        }
    } catch {
        if (Test-NotFound $_) { return $null }
        throw
    }
    $matching = @($found | Where-Object { Test-Carries $_ $Identity })
    if ($matching.Count -gt 1) { throw "$Identity names $($matching.Count) objects" }
    if ($matching.Count -eq 1) { return $matching[0] }
    return $null
}

# The tenant's migration batches by name, read once (there are at most 100): a batch looked up
# by a name that does not exist may come back as every batch, or as an error the reference does
# not word.
function Get-TenantBatches {
    try {
        $all = @(Get-MigrationBatch -ErrorAction Stop)
    } catch {
        throw "Cannot list the tenant's migration batches: $($_.Exception.Message)"
    }
    $byName = @{}
    foreach ($b in $all) {
        foreach ($name in "$(Get-Prop $b 'Identity')", "$(Get-Prop $b 'Name')") {
            if ($name) { $byName[$name] = $b }
        }
    }
    return $byName
}

# A value inside a single-quoted -Filter string: quotes doubled, the typographic ones too
# (PowerShell reads U+2018-U+201B as single quotes), as xtenant's own quoting does.
function ConvertTo-FilterValue([string] $Value) {
    return ($Value -replace "['\u2018\u2019\u201A\u201B]", '$0$0')
}

# An object's own GUID, to name it in the next call: a new object may not be found by its UPN
# or address for a while (directory replication), by its GUID at once.
function Get-ObjectId($Object) {
    foreach ($name in 'ExchangeObjectId', 'Guid', 'ExternalDirectoryObjectId') {
        $v = "$(Get-Prop $Object $name)"
        if ($v -and $v -ne '00000000-0000-0000-0000-000000000000') { return $v }
    }
    $v = "$(Get-Prop $Object 'Identity')"
    if ($v) { return $v }
    throw 'the object the cmdlet returned has no identity'
}

# Whether $Have (EmailAddresses) holds the proxy $Proxy, in any case (smtp:x is there when
# SMTP:x, the primary, is).
function Test-HasProxy([string[]] $Have, [string] $Proxy) {
    foreach ($h in $Have) { if ("$h" -eq $Proxy) { return $true } }
    return $false
}

# The values of $Have (EmailAddresses) to remove for $Proxies, as they are stored; stops rather
# than remove the primary address (SMTP:), which needs a new primary first.
function Select-Removals([string[]] $Have, [string[]] $Proxies) {
    $out = @()
    foreach ($p in $Proxies) {
        foreach ($h in $Have) {
            if ("$h" -ne $p) { continue }
            if ("$h" -cmatch '^SMTP:') { throw "$h is the primary address: it cannot be removed before another address is primary" }
            $out += "$h"
        }
    }
    return $out
}
