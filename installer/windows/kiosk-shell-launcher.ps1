# Makes Pas à pas the only program of a restricted Windows account, with Shell Launcher v2
# (Windows Enterprise, Education or IoT Enterprise only: Windows Home and Pro have no Shell
# Launcher). Run as an administrator in PowerShell:
#   .\kiosk-shell-launcher.ps1 -User borne            # set up
#   .\kiosk-shell-launcher.ps1 -User borne -Remove    # undo
# NOT RUN HERE: written from Microsoft's WESL_UserSetting documentation (installer/README.md).
param(
    [Parameter(Mandatory = $true)][string]$User,
    [string]$Program = "C:\Program Files\Pas a pas\pasapas.exe",
    [switch]$Remove
)
$ErrorActionPreference = "Stop"
$RestartShell = 0  # WESL_UserSetting action: 0 restart the shell, 1 restart the device,
                   # 2 shut the device down, 3 do nothing

$feature = Get-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher
if ($feature.State -ne "Enabled") {
    if ($Remove) { Write-Output "Shell Launcher n'est pas activé : rien à enlever."; exit 0 }
    Enable-WindowsOptionalFeature -Online -FeatureName Client-EmbeddedShellLauncher -NoRestart
    Write-Output "Shell Launcher activé (redémarrez l'ordinateur une fois ce script terminé)."
}
$sid = (New-Object System.Security.Principal.NTAccount($User)).Translate(
    [System.Security.Principal.SecurityIdentifier]).Value
$launcher = [wmiclass]"\\localhost\root\standardcimv2\embedded:WESL_UserSetting"
if ($Remove) {
    $launcher.RemoveCustomShell($sid) | Out-Null
    Write-Output "Le compte $User retrouve le bureau Windows habituel."
    exit 0
}
# The kiosk restarts whenever it stops, whatever its exit code; every other account keeps
# the usual desktop (explorer.exe).
$launcher.SetDefaultShell("explorer.exe", $RestartShell) | Out-Null
$launcher.SetCustomShell($sid, "`"$Program`" kiosk", $null, $null, $RestartShell) | Out-Null
$launcher.SetEnabled($true) | Out-Null
Write-Output "Au prochain démarrage de session de $User, seule la borne s'ouvre, en plein écran."
