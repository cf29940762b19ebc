# ---- Shared by the scripts of a track folder ----------------------------------------------
# An actions\ list: its rows with every value trimmed, rows without an address left out; a
# clear stop when a column is missing (a file re-saved by Excel with another separator, say).
function Import-ActionCsv([string] $Path, [string[]] $Columns) {
    $rows = @(Import-PlanCsv $Path)
    if ($rows.Count -gt 0) {
        $have = @($rows[0].PSObject.Properties | ForEach-Object { $_.Name })
        $missing = @($Columns | Where-Object { $have -notcontains $_ })
        if ($missing.Count -gt 0) {
            throw "$Path has no column $($missing -join ', ') (it has: $($have -join ', ')). Save it as CSV (comma-delimited, UTF-8), or track again to write it anew."
        }
    }
    foreach ($r in $rows) {
        foreach ($p in $r.PSObject.Properties) { $p.Value = "$($p.Value)".Trim() }
    }
    return @($rows | Where-Object { $_.EmailAddress })
}

# The migration user $Address in batch $Batch: $null when it is not a migration user; a stop
# when it is one in another batch only, or in several (UserDuplicateInOtherBatchException).
function Get-BatchMigrationUser([string] $Address, [string] $Batch) {
    $all = @()
    try {
        $all = @(Get-MigrationUser -Identity $Address -ErrorAction Stop)
    } catch {
        if (-not (Test-NotFound $_)) { throw }
    }
    if ($all.Count -eq 0) { return $null }
    if ($all.Count -gt 1) {
        throw "a migration user in $($all.Count) batches ($(@($all | ForEach-Object { "$(Get-Prop $_ 'BatchId')" }) -join ', ')): remove the one it should not be in first (Remove-MigrationUser -Identity <its Guid>)"
    }
    return $all[0]
}
