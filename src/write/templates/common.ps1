# ---- Shared by every script xtenant writes ------------------------------------------------
# The run log: a transcript and a CSV with one row per object, written under -WhatIf too.
# Start-Transcript, New-Item and Export-Csv honour the -WhatIf this script passes on to them,
# so each is told -WhatIf:$false. The Exchange Online cmdlets live in a module that neither
# $WhatIfPreference nor $ErrorActionPreference reaches: every change is asked of
# $PSCmdlet.ShouldProcess first, and every call states -ErrorAction Stop inside a try/catch, so
# one object that fails is logged and the next one goes on.
# Result values: Done (changed now), AlreadyDone (nothing left to change), WhatIf (would be
# changed), Waiting (a step before it is not done yet: run again later), Skipped (not for this
# script to do, or declined at a prompt: Detail says which), Failed (Detail has the error).

$script:Results = New-Object System.Collections.Generic.List[object]
$script:TranscriptStarted = $false
$script:RunStamp = Get-Date -Format 'yyyyMMdd-HHmmss'

# A folder parameter as a full path: .NET methods resolve relative paths against the process's
# directory, not PowerShell's current location.
function Resolve-Folder([string] $Path) {
    return $ExecutionContext.SessionState.Path.GetUnresolvedProviderPathFromPSPath($Path)
}

function Start-RunLog {
    try {
        New-Item -ItemType Directory -Force -Path $LogFolder -WhatIf:$false -Confirm:$false -ErrorAction Stop | Out-Null
        $path = Join-Path $LogFolder "$ScriptName-$script:RunStamp.log"
        Start-Transcript -Path $path -WhatIf:$false -Confirm:$false -ErrorAction Stop | Out-Null
        $script:TranscriptStarted = $true
    } catch {
        throw "Cannot write the run log in ${LogFolder}: $($_.Exception.Message)"
    }
    if ($WhatIfPreference) {
        Write-Host "$ScriptName (written by xtenant), run with -WhatIf: nothing is changed."
    } else {
        Write-Host "$ScriptName (written by xtenant)."
    }
}

function Add-Result {
    param(
        [string] $Object,
        [string] $Action,
        [string] $Result,
        [string] $Detail = '',
        [System.Collections.IDictionary] $More = $null
    )
    if ($Result -eq 'Skipped' -and -not $Detail) { $Detail = 'declined at the confirmation prompt' }
    $row = [ordered]@{ Object = $Object; Action = $Action; Result = $Result; Detail = $Detail }
    if ($More) { foreach ($k in $More.Keys) { $row[$k] = $More[$k] } }
    $script:Results.Add([pscustomobject]$row)
    if ($Result -eq 'Failed') {
        Write-Warning "FAILED $Action ${Object}: $Detail"
    } elseif ($Result -ne 'WhatIf') {
        # Under -WhatIf, ShouldProcess has already printed "What if: ...".
        Write-Host "$Result $Action ${Object} $Detail"
    }
}

function Stop-RunLog {
    $counts = [ordered]@{}
    foreach ($r in $script:Results) { $counts[$r.Result] = 1 + [int]$counts[$r.Result] }
    $summary = @($counts.Keys | ForEach-Object { "$_ $($counts[$_])" }) -join ', '
    if (-not $summary) { $summary = 'nothing to do' }
    Write-Host "${ScriptName}: $summary."
    if ($WhatIfPreference) {
        Write-Host 'WhatIf run: nothing was changed. The WhatIf rows are what a run without -WhatIf would change.'
    }
    if ($script:Results.Count -gt 0) {
        $path = Join-Path $LogFolder "$ScriptName-$script:RunStamp-results.csv"
        try {
            $script:Results | Export-Csv -Path $path -NoTypeInformation -Encoding UTF8 -WhatIf:$false -Confirm:$false -ErrorAction Stop
            Write-Host "Results: $path"
        } catch {
            Write-Warning "Cannot write ${path}: $($_.Exception.Message)"
        }
    }
    if ($script:TranscriptStarted) {
        # Stop-Transcript takes -WhatIf from PowerShell 7.4 on and refuses it before: the
        # preferences are cleared around it instead, so it always runs and never prompts.
        try {
            & { $WhatIfPreference = $false; $ConfirmPreference = 'None'; Stop-Transcript -ErrorAction Stop } | Out-Null
        } catch {
            Write-Warning "Stop-Transcript: $($_.Exception.Message)"
        }
    }
}

# The Result of a change ShouldProcess did not let through: WhatIf under -WhatIf, else the
# operator declined it at a prompt.
function Get-NotMade {
    if ($WhatIfPreference) { return 'WhatIf' }
    return 'Skipped'
}

# The Result of an object whose steps made $Changed changes, and would have made $WouldChange
# more had ShouldProcess let them through.
function Get-Outcome([int] $Changed, [int] $WouldChange) {
    if ($WouldChange -gt 0) { return (Get-NotMade) }
    if ($Changed -gt 0) { return 'Done' }
    return 'AlreadyDone'
}

# The target's migration users whose move completed, from -CompletedUsers (a CSV exported in the
# target: see the script's help), or $null with -AllUsersOfWave; stops when neither is given.
function Get-CompletedUsers([string] $Path, [bool] $AllUsers) {
    if ($Path) {
        $set = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
        foreach ($u in @(Import-PlanCsv $Path)) { [void]$set.Add("$($u.Identity)") }
        return ,$set
    }
    if (-not $AllUsers) {
        throw 'Name the users whose move completed: -CompletedUsers <csv exported in the target> (see the help), or -AllUsersOfWave when every batch of the waves completed without errors.'
    }
    return $null
}

# A plan file: every row, or a clear stop when it cannot be read.
function Import-PlanCsv([string] $Path) {
    try {
        return @(Import-Csv -LiteralPath $Path -Encoding UTF8 -ErrorAction Stop)
    } catch {
        throw "Cannot read ${Path}: $($_.Exception.Message). Run the script from the plan xtenant wrote (scripts\ next to stamping\ and batches\), or pass the folder."
    }
}

# The batches of the named waves in the plan's batches.csv ($BatchFolder); stops when none.
function Select-PlanBatches([string[]] $Waves) {
    $all = @(Import-PlanCsv (Join-Path $BatchFolder 'batches.csv'))
    $chosen = @($all | Where-Object { $Waves -contains $_.Wave })
    if ($chosen.Count -eq 0) {
        throw "No batch of wave(s) $($Waves -join ', ') in batches.csv; its waves: $(@($all | ForEach-Object { $_.Wave } | Sort-Object -Unique) -join ', ')"
    }
    return $chosen
}

# A property of an object a cmdlet returned, $null when it has none (Set-StrictMode would throw).
function Get-Prop($Object, [string] $Name) {
    if ($null -eq $Object) { return $null }
    $p = $Object.PSObject.Properties[$Name]
    if ($p) { return $p.Value }
    return $null
}

function Split-List([string] $Value) {
    if ([string]::IsNullOrWhiteSpace($Value)) { return @() }
    return @($Value -split ';' | Where-Object { $_ -ne '' })
}

# The address of a proxy or ExternalEmailAddress, without its SMTP:/smtp: prefix.
function Get-Bare([string] $Value) {
    if ($Value -match '^[A-Za-z0-9]+:(.*)$') { return $Matches[1] }
    return $Value
}
