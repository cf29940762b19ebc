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
