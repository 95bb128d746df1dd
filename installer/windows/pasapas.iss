; Inno Setup script of Pas à pas for Windows (Inno Setup 6), in French.
; Build on Windows, after the bundle (installer/README.md, "Windows"):
;   "C:\Program Files (x86)\Inno Setup 6\ISCC.exe" installer\windows\pasapas.iss
; It packs build\bundle\pasapas\ (PyInstaller, installer\bundle\pasapas.spec) into
; build\pasapas-<version>-setup.exe. NOT RUN HERE: the project is built and tested on Debian;
; this script has been written from Inno Setup's documentation and never compiled.

#define AppVersion "0.1.0"

[Setup]
AppId={{6B0E2C44-5B7B-4C53-9F0E-8E7A2F3C9D10}
AppName=Pas à pas
AppVersion={#AppVersion}
AppPublisher=Pas à pas
DefaultDirName={autopf}\Pas a pas
DefaultGroupName=Pas à pas
DisableProgramGroupPage=yes
OutputDir=..\..\build
OutputBaseFilename=pasapas-{#AppVersion}-setup
SetupIconFile=pasapas.ico
UninstallDisplayIcon={app}\pasapas.exe
Compression=lzma2
SolidCompression=yes
ArchitecturesAllowed=x64compatible
ArchitecturesInstallIn64BitMode=x64compatible
PrivilegesRequired=admin
WizardStyle=modern

[Languages]
Name: "fr"; MessagesFile: "compiler:Languages\French.isl"

[Files]
Source: "..\..\build\bundle\pasapas\*"; DestDir: "{app}"; Flags: ignoreversion recursesubdirs createallsubdirs

[Icons]
Name: "{group}\Pas à pas"; Filename: "{app}\pasapas.exe"; Parameters: "kiosk --windowed"
Name: "{group}\Pas à pas (démonstration)"; Filename: "{app}\pasapas.exe"; Parameters: "kiosk --demo --windowed"
Name: "{group}\Désinstaller Pas à pas"; Filename: "{uninstallexe}"

[Run]
Filename: "{app}\pasapas.exe"; Parameters: "kiosk --demo --windowed"; Description: "Essayer la borne (démonstration)"; Flags: postinstall nowait skipifsilent unchecked

; The kiosk's data (the encrypted store, settings, backups) lives in the kiosk account's own
; folders (%LOCALAPPDATA%\pasapas): the uninstaller leaves it, as the Debian package does.
