#Requires -Version 5.1
<#
.SYNOPSIS
    Rotates the private_key_jwt key of Auth0 machine-to-machine clients with zero downtime.

.DESCRIPTION
    The main job of PsCredRotate, as a scheduled runbook would run it. For each client:

      1. a new RSA key is created and registered beside the key the application uses today, and
         proven with a real token from the tenant's token endpoint;
      2. the new private key is written where the application reads it: <KeyPath>/<ClientId>.pem,
         replaced atomically, created owner-only (0600), encrypted when -KeyPassword is given;
         then the -Deploy script block runs (restart or signal the application);
      3. the new key is proven again, and the old credential is detached and deleted.

    If the new key is refused, or writing or deploying it fails, the rotation is undone and the old
    key keeps working. Run it with -WhatIf first: it shows every step with the key ids (kids) it
    would touch, and changes nothing (no credential, no key file).

    Connection: with -Domain the management client is -ManagementCredential (user name = client id,
    password = client secret). Without -Domain everything comes from the environment, as in an
    automation account:
      AUTH0_DOMAIN            the tenant, e.g. example-tenant.eu.auth0.com
      AUTH0_CLIENT_ID         the management client's id
      AUTH0_CLIENT_SECRET     its secret, or
      AUTH0_PRIVATE_KEY_PATH  the path of its private key (private_key_jwt)
    The management client needs read:clients, read:client_credentials, create:client_credentials,
    update:client_credentials, delete:client_credentials and update:clients.

    Exit code: 0 when every client was rotated, 1 when any failed (each failure is reported with its
    ErrorId and what to do about it).

    A run killed between the start and the completion leaves a client with two attached keys, the
    old one (still in the key file, still working) and the new one (whose private key was only in
    memory). Nothing is broken; the next run reports SlotFull for it. Take the orphan away with
    Undo-ClientCredentialRotation -ClientId <id> -NewKid <its kid> (Get-ClientCredential shows it:
    the newest attached one), then run again.

.PARAMETER ClientId
    The clients to rotate. Takes Get-Auth0Client output from the pipeline.

.PARAMETER KeyPath
    The folder the applications read their keys from. Each client's key is <KeyPath>/<ClientId>.pem.

.PARAMETER Audience
    The API the verification tokens are requested for. Each client needs a grant for it.

.PARAMETER ExpiresInDays
    How long the new credentials are valid (Auth0 stops accepting them after that). 0: never expire.

.PARAMETER Retire
    Kids of attached credentials to retire, for clients whose two slots are both in use.

.PARAMETER KeepPrevious
    Detach the old credentials but keep them stored (attach one again to roll back by hand).

.PARAMETER Deploy
    Runs after a client's new key file is written, with the client id and the key file's path as
    arguments: restart the service, signal it to reload, or copy the file on. It must throw when the
    application cannot use the new key; the rotation is then undone.

.PARAMETER ThrottleLimit
    How many clients are rotated at once (they share the tenant's rate limit).

.EXAMPLE
    ./Rotate-ClientCredential.ps1 -ClientId kbNp4R2mX9qLz7TfW1cVh3JdY6sA8uEo -KeyPath /etc/billing/keys -Audience https://billing.example.com -WhatIf

    Connects from the AUTH0_* environment variables and shows the plan for one client.

.EXAMPLE
    Connect-Auth0Tenant
    Get-Auth0Client -AppType non_interactive -AuthenticationMethod PrivateKeyJwt |
        ./Rotate-ClientCredential.ps1 -KeyPath /srv/keys -Audience https://api.example.com -ThrottleLimit 8 -Deploy {
            param($clientId, $keyFile)
            systemctl reload "app-$clientId"
        }

    Rotates every machine-to-machine client that signs in with a key, eight at a time.
#>
# -WhatIf and -Confirm pass down to every cmdlet. Medium impact: a scheduled run does not stop to ask;
# -Confirm asks before each step of each rotation.
[CmdletBinding(SupportsShouldProcess = $true, ConfirmImpact = 'Medium', DefaultParameterSetName = 'Environment')]
param(
    [Parameter(Mandatory = $true, ValueFromPipelineByPropertyName = $true)]
    [string[]] $ClientId,

    [Parameter(Mandatory = $true)]
    [string] $KeyPath,

    [Parameter(Mandatory = $true)]
    [string] $Audience,

    [Parameter(Mandatory = $true, ParameterSetName = 'Explicit')]
    [string] $Domain,

    [Parameter(Mandatory = $true, ParameterSetName = 'Explicit')]
    [System.Management.Automation.PSCredential] $ManagementCredential,

    [ValidateRange(0, 3650)]
    [int] $ExpiresInDays = 90,

    [string[]] $Retire = @(),

    [switch] $KeepPrevious,

    [System.Security.SecureString] $KeyPassword,

    [scriptblock] $Deploy,

    [ValidateRange(1, 64)]
    [int] $ThrottleLimit = 4
)

begin {
    $ErrorActionPreference = 'Stop'
    if ($null -eq (Get-Module -Name PsCredRotate)) {
        Import-Module -Name PsCredRotate -ErrorAction Stop
    }

    # What to tell the operator for each ErrorId a rotation can end with.
    $advice = @{
        NotConnected               = 'Connect first: set AUTH0_DOMAIN, AUTH0_CLIENT_ID and AUTH0_CLIENT_SECRET (or AUTH0_PRIVATE_KEY_PATH), or pass -Domain and -ManagementCredential.'
        AuthenticationFailed       = 'The tenant refused the management client: check its id and secret or key.'
        InsufficientScope          = 'The management client lacks a scope (named in the message): add it to its grant on the Management API.'
        ClientNotFound             = 'No such client on this tenant.'
        SlotFull                   = 'Both private_key_jwt slots hold working keys: name the one to retire with -Retire.'
        PoolFull                   = 'The client already stores 4 credentials: delete detached ones (Remove-ClientCredential) or use -PruneDetached.'
        ClientUsesClientSecret     = 'The client signs in with a secret: switching it to a key breaks every caller still using the secret. Migrate it deliberately (Start-ClientCredentialRotation -AllowAuthenticationMethodSwitch).'
        RotationVerificationFailed = 'The tenant refused a token for the new key. The rotation was undone; the old key still works.'
        RotationDeployFailed       = 'Writing or deploying the new key failed. The rotation was undone; the old key still works.'
        RotationDeclined           = 'A step was declined. Run the script again to resume.'
        RateLimited                = 'The tenant kept answering 429: lower -ThrottleLimit or run again later.'
    }

    if ($PSCmdlet.ParameterSetName -eq 'Explicit') {
        $connection = Connect-Auth0Tenant -Domain $Domain -ClientId $ManagementCredential.UserName `
            -ClientSecret $ManagementCredential.Password
    }
    else {
        # AUTH0_DOMAIN, AUTH0_CLIENT_ID, AUTH0_CLIENT_SECRET or AUTH0_PRIVATE_KEY_PATH.
        $connection = Connect-Auth0Tenant
    }
    Write-Verbose "Connected to $($connection.Domain) as $($connection.ClientId)."

    if (-not (Test-Path -LiteralPath $KeyPath -PathType Container)) {
        # Under -WhatIf this only says what it would create.
        New-Item -ItemType Directory -Path $KeyPath -Force | Out-Null
    }

    $clientIds = New-Object System.Collections.Generic.List[string]
}

process {
    foreach ($id in $ClientId) {
        $clientIds.Add($id)
    }
}

end {
    if ($clientIds.Count -eq 0) {
        Write-Warning 'No client to rotate.'
        return
    }

    # Runs once per client, between the verified start and the completion. It gets the client id
    # and the new key; it writes the key where the application reads it, then runs -Deploy. A throw
    # here makes the cmdlet undo the rotation (RotationDeployFailed).
    $keyFolder = $KeyPath
    $password = $KeyPassword
    $userDeploy = $Deploy
    $writeKey = {
        param($targetClientId, $newKey)

        $file = Join-Path $keyFolder ($targetClientId + '.pem')
        $export = @{ Key = $newKey; Path = $file; Force = $true; Confirm = $false }
        if ($null -ne $password) {
            $export.Password = $password
        }
        # Atomic replace, owner-only: the application reads the old key or the new one, never half.
        Export-RotationKey @export | Out-Null
        if ($null -ne $userDeploy) {
            & $userDeploy $targetClientId $file
        }
    }.GetNewClosure()

    $rotate = @{
        ClientId      = $clientIds.ToArray()
        Audience      = $Audience
        Deploy        = $writeKey
        ThrottleLimit = $ThrottleLimit
        Connection    = $connection
        KeepPrevious  = $KeepPrevious
        WhatIf        = [bool]$WhatIfPreference
        # The cmdlet is ConfirmImpact High: it asks before each step only when this script got -Confirm.
        Confirm       = ($PSBoundParameters.ContainsKey('Confirm') -and [bool]$PSBoundParameters['Confirm'])
        ErrorAction   = 'SilentlyContinue'
        ErrorVariable = 'failures'
    }
    if ($ExpiresInDays -gt 0) {
        $rotate.ExpiresIn = New-TimeSpan -Days $ExpiresInDays
    }
    if (@($Retire).Count -gt 0) {
        $rotate.Retire = $Retire
    }

    $failures = $null
    try {
        $rotations = @(Invoke-ClientCredentialRotation @rotate)
    }
    catch {
        # A terminating error stops every client (for example NotConnected, ThrottleLimitInvalid).
        $id = ($_.FullyQualifiedErrorId -split ',')[0]
        if ($advice.ContainsKey($id)) {
            Write-Warning ('{0}: {1}' -f $id, $advice[$id])
        }
        throw
    }

    foreach ($rotation in $rotations) {
        # One line per client, never a key: the kid is the key's public name.
        [pscustomobject]@{
            ClientId = $rotation.ClientId
            Phase    = $rotation.Phase
            NewKid   = $rotation.NewKid
            Retired  = ($rotation.RetiringKids -join ', ')
            Verified = $rotation.Verified
            KeyFile  = (Join-Path $KeyPath ($rotation.ClientId + '.pem'))
        }
    }

    # One non-terminating error per client that failed; its TargetObject is the client id.
    foreach ($failure in @($failures)) {
        if ($null -eq $failure) {
            continue
        }
        $id = ($failure.FullyQualifiedErrorId -split ',')[0]
        $hint = 'See the message.'
        if ($advice.ContainsKey($id)) {
            $hint = $advice[$id]
        }
        Write-Warning ('Client {0}: {1} ({2}) {3}' -f $failure.TargetObject, $failure.Exception.Message, $id, $hint)
    }

    if (@($failures).Count -gt 0 -and -not $WhatIfPreference) {
        Write-Warning ('{0} of {1} client(s) were not rotated; their old keys still work.' -f @($failures).Count, $clientIds.Count)
        exit 1
    }
}
