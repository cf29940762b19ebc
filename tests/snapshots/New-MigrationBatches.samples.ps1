<#
.SYNOPSIS
Creates the cross-tenant migration batches of the waves you name in the TARGET tenant
(New-MigrationBatch), each starting on its own at its StartAfter date.

.DESCRIPTION
Written by xtenant. Reads ..\batches\batches.csv and, for each batch of the waves you name, runs
New-MigrationBatch with the batch's file (EmailAddress: the target MailUser's address once
stamped), -AutoStart, -StartAfter (the cut-over minus the planned lead time, two weeks by
default: syncing does not disturb users) and -CompleteAfter (the cut-over). -AutoStart is always
given: a batch created without it waits for Start-MigrationBatch forever, and -StartAfter only
holds back the copying of a started batch. Exchange Online reads dates without a time zone as
UTC; this script passes them as UTC. A batch whose cut-over has already passed is refused (it
would complete as soon as it synced) unless -AllowPastCutover.

Run Apply-Stamping.ps1 (and Apply-OnPremStamping.ps1 plus a directory sync) first, plan again on
fresh exports (every mailbox of the wave Ready), and test with Test-MigrationAvailability.ps1.
Microsoft allows at most 2,000 users per batch and a user in one batch only
(UserDuplicateInOtherBatchException): xtenant's batches respect both. Exchange Online keeps at
most 100 migration batches: remove completed ones with Remove-MigrationBatches.ps1.

Safe to run again: a batch that exists with the same users is reported and left alone (one still
not started after its StartAfter date, made without -AutoStart, is started; one that failed or
stopped is reported as failed, for you to look at); one that exists with other users is reported
as failed and left for you to decide. One batch that fails is logged and the others go on. -WhatIf
shows every batch without creating it. Each run writes logs\New-MigrationBatches-<time>.log and
-results.csv.

.PARAMETER Wave
The waves to submit, as in batches.csv (W00-pilot, W01, ...).

.PARAMETER SourceEndpoint
The cross-tenant migration endpoint (New-MigrationEndpoint -ExchangeRemoteMove) in this tenant.

.PARAMETER TargetDeliveryDomain
The target tenant's <tenant>.onmicrosoft.com domain; every user of a batch needs a proxy in it.

.PARAMETER CutoverTimeUtc
Time of day (UTC, HH:mm) of the StartAfter and CompleteAfter dates.

.PARAMETER AllowPastCutover
Create batches whose CompleteAfter date has passed (they complete as soon as they sync).

.PARAMETER Force
Run although the plan found an organisation-level blocker (the tenants' setup, or a domain both
tenants accept: readiness.xlsx, Organisation setup; findings.csv rows without a mailbox). Every
move fails while one stands: pass -Force only once it is fixed, before the next plan says so.
#>
[CmdletBinding(SupportsShouldProcess = $true)]
param(
    [Parameter(Mandatory = $true)] [string[]] $Wave,
    [Parameter(Mandatory = $true)] [string] $SourceEndpoint,
    [string] $TargetDeliveryDomain = 'northwindtraders.onmicrosoft.com',
    [string[]] $NotificationEmails = @(),
    [string] $CutoverTimeUtc = '18:00',
    [switch] $AllowPastCutover,
    [switch] $Force,
    [string] $BatchFolder = (Join-Path $PSScriptRoot '..\batches'),
    [string] $LogFolder = (Join-Path $PSScriptRoot '..\logs')
)

Set-StrictMode -Version 2.0
$ErrorActionPreference = 'Stop'
$ScriptName = 'New-MigrationBatches'

# <xtenant: common.ps1>
# <xtenant: exchange.ps1>
function ConvertTo-UtcTime([string] $Day) {
    $time = [datetime]::ParseExact("$Day $CutoverTimeUtc", 'yyyy-MM-dd HH:mm', [Globalization.CultureInfo]::InvariantCulture)
    return [datetime]::SpecifyKind($time, [DateTimeKind]::Utc)
}

$BatchFolder = Resolve-Folder $BatchFolder
$LogFolder = Resolve-Folder $LogFolder
Start-RunLog
try {
    # Written by xtenant when the plan was made: while an organisation-level blocker stands,
    # every move fails.
    $OrgBlockers = 1
    $OrgBlockerCodes = 'XT008'
    if ($OrgBlockers -gt 0 -and -not $Force) {
        throw "The plan found $OrgBlockers organisation-level blocker(s) ($OrgBlockerCodes): every move would fail. Fix them (readiness.xlsx, Organisation setup; findings.csv rows without a mailbox), export and plan again, or pass -Force once they are fixed."
    }
    if (-not $TargetDeliveryDomain) {
        throw 'No -TargetDeliveryDomain: pass the target tenant''s <tenant>.onmicrosoft.com domain (the plan had none: give xtenant --delivery-domain or the accepted domains).'
    }
    $batches = @(Select-PlanBatches $Wave)

    $tenantBatches = Get-TenantBatches
    $inTenant = @($tenantBatches.Values | Sort-Object -Unique -Property { "$(Get-Prop $_ 'Identity')" }).Count
    $toCreate = @($batches | Where-Object { -not $tenantBatches.ContainsKey($_.Batch) }).Count
    # MaxNumberOfBatches of Get-MigrationConfig, as exported when the plan was made (else
    # Exchange Online's default).
    $MaxBatches = 100
    if ($inTenant + $toCreate -gt $MaxBatches) {
        Write-Warning "The tenant has $inTenant migration batches and this run adds ${toCreate}: it keeps at most $MaxBatches (""The maximum number of migration batches is already running""). Remove completed batches first (Remove-MigrationBatches.ps1)."
    }

    foreach ($b in $batches) {
        $step = 'read the batch file'
        try {
            $file = Join-Path $BatchFolder $b.File
            $members = @(Import-PlanCsv $file | ForEach-Object { $_.EmailAddress })
            $blank = @($members | Where-Object { [string]::IsNullOrWhiteSpace($_) }).Count
            if ($members.Count -eq 0 -or $blank -gt 0) {
                throw "$file has $($members.Count) users, $blank of them blank: run xtenant plan again"
            }
            $existing = $tenantBatches[$b.Batch]
            if ($existing) {
                $step = 'Get-MigrationUser'
                $inBatch = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
                foreach ($u in @(Get-MigrationUser -BatchId $b.Batch -ResultSize Unlimited -ErrorAction Stop)) {
                    [void]$inBatch.Add("$(Get-Prop $u 'Identity')")
                }
                $inFile = New-Object 'System.Collections.Generic.HashSet[string]' ([StringComparer]::OrdinalIgnoreCase)
                foreach ($m in $members) { [void]$inFile.Add($m) }
                $missing = @($members | Where-Object { -not $inBatch.Contains($_) }).Count
                $extra = @($inBatch | Where-Object { -not $inFile.Contains($_) }).Count
                if ($missing -gt 0 -or $extra -gt 0) {
                    throw "a batch $($b.Batch) exists with other users ($missing of the file's users are not in it, $extra of its users are not in the file): left alone; remove it (Remove-MigrationBatch) or rename it, then run again"
                }
                $status = "$(Get-Prop $existing 'Status')"
                $startDue = -not $b.StartAfter -or (ConvertTo-UtcTime $b.StartAfter) -le [datetime]::UtcNow
                if ($status -eq 'Created' -and $startDue) {
                    # Still not started after its StartAfter: made without -AutoStart (by hand, or
                    # an older script), it would wait forever.
                    $step = 'Start-MigrationBatch'
                    if ($PSCmdlet.ShouldProcess($b.Batch, 'Start-MigrationBatch (it exists with the same users, never started, and its StartAfter has passed)')) {
                        Start-MigrationBatch -Identity $b.Batch -Confirm:$false -ErrorAction Stop
                        Add-Result -Object $b.Batch -Action 'Start-MigrationBatch' -Result 'Done' -Detail 'existed with the same users, never started: started'
                    } else {
                        Add-Result -Object $b.Batch -Action 'Start-MigrationBatch' -Result (Get-NotMade)
                    }
                } elseif ($status -in 'Failed', 'Stopped', 'Stopping', 'Corrupted', 'SyncedWithErrors', 'CompletedWithErrors') {
                    throw "exists with the same users, status ${status}: look at its failed users (Get-MigrationUser -BatchId $($b.Batch) -Status Failed); Start-MigrationBatch retries them"
                } else {
                    Add-Result -Object $b.Batch -Action 'New-MigrationBatch' -Result 'AlreadyDone' -Detail "exists with the same $($members.Count) users, status $status"
                }
                continue
            }

            $step = 'New-MigrationBatch'
            $params = @{
                Name                 = $b.Batch
                SourceEndpoint       = $SourceEndpoint
                TargetDeliveryDomain = $TargetDeliveryDomain
                CSVData              = [System.IO.File]::ReadAllBytes($file)
                AutoStart            = $true
            }
            $when = 'now'
            if ($b.StartAfter) {
                $params.StartAfter = ConvertTo-UtcTime $b.StartAfter
                $when = "after $($params.StartAfter.ToString('yyyy-MM-dd HH:mm')) UTC"
            }
            $completes = 'when you run Complete-MigrationBatches.ps1'
            if ($b.CompleteAfter) {
                $complete = ConvertTo-UtcTime $b.CompleteAfter
                if ($complete -le [datetime]::UtcNow -and -not $AllowPastCutover) {
                    throw "its cut-over $($complete.ToString('yyyy-MM-dd HH:mm')) UTC has passed: the batch would complete as soon as it synced. Plan again with a later --first-cutover, or pass -AllowPastCutover"
                }
                $params.CompleteAfter = $complete
                $completes = "after $($complete.ToString('yyyy-MM-dd HH:mm')) UTC"
            }
            if ($NotificationEmails.Count -gt 0) { $params.NotificationEmails = $NotificationEmails }
            if ($PSCmdlet.ShouldProcess($b.Batch, "New-MigrationBatch: $($members.Count) users, about $($b.EstimatedHours) h of copying, starts $when, completes $completes")) {
                $created = New-MigrationBatch @params -ErrorAction Stop
                $tenantBatches[$b.Batch] = $created
                Add-Result -Object $b.Batch -Action 'New-MigrationBatch' -Result 'Done' -Detail "created, status $(Get-Prop $created 'Status'); starts $when, completes $completes"
            } else {
                Add-Result -Object $b.Batch -Action 'New-MigrationBatch' -Result (Get-NotMade)
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
