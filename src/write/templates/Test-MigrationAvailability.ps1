<#
.SYNOPSIS
Pre-flight, in the TARGET tenant: runs Test-MigrationServerAvailability against the cross-tenant
migration endpoint for every user of the batches or waves you name (or a sample of them), and
writes a CSV of the results.

.DESCRIPTION
Written by xtenant. Microsoft's cross-tenant article asks for
    Test-MigrationServerAvailability -Endpoint <endpoint> -TestMailbox <target MailUser address>
before moving. The cmdlet reference lists only -Endpoint in the endpoint's parameter set: the
endpoint itself is tested once with -Endpoint alone, then each user with -TestMailbox. Where the
tenant's cmdlet refuses -TestMailbox beside -Endpoint, each user's row records that
parameter-binding error as Skipped (not tested, rather than failed), a warning says so once, and
the endpoint's own test still says whether the endpoint works. No
PowerShell ran where this script was written: read the first rows of the results before
relying on them.

Nothing is changed in the tenant, so -WhatIf changes nothing here either; the transcript
(logs\Test-MigrationAvailability-<time>.log) and the results (-results.csv: Object = the user's
address, Result Passed, Failed or Skipped, Detail = the cmdlet's Result and Message) are always
written.

.PARAMETER SourceEndpoint
The cross-tenant migration endpoint (New-MigrationEndpoint -ExchangeRemoteMove) in this tenant.

.PARAMETER Wave
Test the users of these waves (batches.csv's Wave column).

.PARAMETER Batch
Test the users of these batches (batches.csv's Batch column).

.PARAMETER Sample
Test only this many users, spread evenly over the selected batches (0: all of them).
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)] [string] $SourceEndpoint,
    [string[]] $Wave,
    [string[]] $Batch,
    [int] $Sample = 0,
    [string] $BatchFolder = (Join-Path $PSScriptRoot '..\batches'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'Test-MigrationAvailability'

!COMMON!
!EXCHANGE!
# The cmdlet's verdict, in words: its Result (Success or Failed) and Message, as far as the
# returned object has them.
function Get-Verdict($Outcome) {
    $result = "$(Get-Prop $Outcome 'Result')"
    $message = "$(Get-Prop $Outcome 'Message')"
    $detail = "$(Get-Prop $Outcome 'ErrorDetail')"
    return [pscustomobject]@{ Passed = ($result -eq 'Success'); Text = (@($result, $message, $detail) | Where-Object { $_ }) -join ': ' }
}

$BatchFolder = Resolve-Folder $BatchFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    if (-not $Wave -and -not $Batch) { throw 'Name the users to test: -Wave W01 or -Batch W01-B001 (with -Sample N for a sample).' }
    $batches = @(Import-PlanCsv (Join-Path $BatchFolder 'batches.csv') | Where-Object { ($Wave -and $Wave -contains $_.Wave) -or ($Batch -and $Batch -contains $_.Batch) })
    if ($batches.Count -eq 0) { throw 'No such wave or batch in batches.csv' }
    $users = New-Object System.Collections.Generic.List[object]
    foreach ($b in $batches) {
        foreach ($r in @(Import-PlanCsv (Join-Path $BatchFolder $b.File))) {
            $users.Add([pscustomobject]@{ Address = $r.EmailAddress; Batch = $b.Batch })
        }
    }
    $selected = @($users)
    if ($Sample -gt 0 -and $Sample -lt $users.Count) {
        $every = $users.Count / $Sample
        $selected = @(0..($Sample - 1) | ForEach-Object { $users[[int][math]::Floor($_ * $every)] })
    }

    $step = 'Test-MigrationServerAvailability -Endpoint'
    try {
        $verdict = Get-Verdict (Test-MigrationServerAvailability -Endpoint $SourceEndpoint -ErrorAction Stop)
        $result = 'Failed'
        if ($verdict.Passed) { $result = 'Passed' }
        Add-Result -Object $SourceEndpoint -Action $step -Result $result -Detail $verdict.Text -More ([ordered]@{ Batch = '' })
    } catch {
        Add-Result -Object $SourceEndpoint -Action $step -Result 'Failed' -Detail $_.Exception.Message -More ([ordered]@{ Batch = '' })
    }

    $step = 'Test-MigrationServerAvailability -TestMailbox'
    $bindingErrors = 0
    foreach ($u in $selected) {
        try {
            $verdict = Get-Verdict (Test-MigrationServerAvailability -Endpoint $SourceEndpoint -TestMailbox $u.Address -ErrorAction Stop)
            $result = 'Failed'
            if ($verdict.Passed) { $result = 'Passed' }
            Add-Result -Object $u.Address -Action $step -Result $result -Detail $verdict.Text -More ([ordered]@{ Batch = $u.Batch })
        } catch {
            # -TestMailbox refused beside -Endpoint (the reference's parameter sets) says
            # nothing about the user: recorded as not tested, and the next one goes on.
            if ($_.Exception -is [System.Management.Automation.ParameterBindingException] -or "$($_.FullyQualifiedErrorId)" -match 'NamedParameterNotFound|AmbiguousParameterSet|ParameterBinding') {
                $bindingErrors++
                Add-Result -Object $u.Address -Action $step -Result 'Skipped' -Detail "not tested: this tenant's cmdlet does not take -TestMailbox with -Endpoint ($($_.Exception.Message))" -More ([ordered]@{ Batch = $u.Batch })
            } else {
                Add-Result -Object $u.Address -Action $step -Result 'Failed' -Detail $_.Exception.Message -More ([ordered]@{ Batch = $u.Batch })
            }
        }
    }
    if ($bindingErrors -gt 0) {
        Write-Warning "$bindingErrors user(s) could not be tested: Test-MigrationServerAvailability refused -TestMailbox with -Endpoint. The endpoint's own test above still says whether the endpoint works; New-MigrationBatch validates each user when the batch is created."
    }
    Write-Host 'Licence a user only after the move, or at least after its test passes and its ExchangeGuid is stamped.'
} catch {
    # The run itself stopped: its reason is a row of the results too.
    Add-Result -Object $ScriptName -Action 'run' -Result 'Failed' -Detail $_.Exception.Message
    throw
} finally {
    Stop-RunLog
}
