using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Net;
using System.Net.Http;
using System.Security;
using System.Text;
using System.Text.Encodings.Web;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Diagnostics;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;

namespace PsCredRotate.Core.Dfns;

/// <summary>
/// A connection to the Dfns API as one service account or personal-access-token owner: the HTTP
/// pipeline, the bearer token (kept as a read-only SecureString, never shown), and the current
/// Key credential (credId and private key) that signs user actions. Thread-safe. After a key
/// rotation the connection signs with the new credential (<see cref="UseCredential"/>).
/// </summary>
public sealed class DfnsConnection : IDisposable
{
    internal static readonly JsonSerializerOptions BodyOptions = new()
    {
        Encoder = JavaScriptEncoder.UnsafeRelaxedJsonEscaping,
        DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull,
        WriteIndented = false,
    };

    private readonly SecureString _token;
    private readonly HttpPipeline _pipeline;
    private volatile DfnsSigner _signer;
    private volatile string? _credentialUuid;
    private bool _disposed;

    private DfnsConnection(Uri baseUri, SecureString token, DfnsSigner signer, string? appId, DfnsConnectionOptions options)
    {
        BaseUri = baseUri;
        _token = token;
        _signer = signer;
        AppId = appId;
        _pipeline = new HttpPipeline(baseUri, new HttpPipelineOptions
        {
            Handler = options.Handler,
            Timeout = options.Timeout,
            MaxRetries = options.MaxRetries,
            Clock = options.Clock,
        });
        Credentials = new DfnsCredentialManager(this);
    }

    /// <summary>Validates the options (base URI, loopback-only http, token, credId, a private key Dfns can use) without any call.</summary>
    public static DfnsConnection Create(DfnsConnectionOptions options)
    {
        if (options is null)
        {
            throw new ArgumentNullException(nameof(options));
        }

        Uri baseUri = ParseBaseUri(options.BaseUri);
        if (options.Token is not { Length: > 0 })
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsTokenMissing,
                ErrorKind.InvalidArgument,
                "No token was given: pass -Token with the service account's or personal access token's token (as a SecureString).",
                baseUri.Authority);
        }

        if (string.IsNullOrWhiteSpace(options.CredentialId))
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsCredentialIdMissing,
                ErrorKind.InvalidArgument,
                "No credential id was given: pass -CredentialId with the credId of the Key credential whose private key you give (Get-DfnsCredential lists them as CredentialId).",
                baseUri.Authority);
        }

        if (options.Key is null)
        {
            throw new ArgumentException("A key is required.", nameof(options));
        }

        if (!options.Key.HasPrivateKey)
        {
            throw new PsCredRotateException(
                ErrorIds.SigningKeyRequired,
                ErrorKind.InvalidArgument,
                $"The key '{options.Key.Kid}' holds only the public half and cannot sign Dfns user actions. Use the private key.",
                options.Key.Kid);
        }

        DfnsSignatures.AlgorithmFor(options.Key);
        if (options.Timeout <= TimeSpan.Zero)
        {
            throw new ArgumentOutOfRangeException(nameof(options), "The timeout must be positive.");
        }

        SecureString token = options.Token.Copy();
        token.MakeReadOnly();
        string? appId = string.IsNullOrWhiteSpace(options.AppId) ? null : options.AppId!.Trim();
        return new DfnsConnection(baseUri, token, new DfnsSigner(options.CredentialId!.Trim(), options.Key), appId, options);
    }

    /// <summary>Where requests go.</summary>
    public Uri BaseUri { get; }

    /// <summary>The credId of the credential that signs user actions.</summary>
    public string CredentialId => _signer.CredId;

    /// <summary>Its record id (<c>cr-…</c>), known after <see cref="ConnectAsync"/>.</summary>
    public string? CredentialUuid => _credentialUuid;

    /// <summary>Thumbprint (RFC 7638) of the current key.</summary>
    public string KeyId => _signer.Key.Kid;

    /// <summary>ES256, EdDSA or RS256: how the current key signs for Dfns.</summary>
    public KeyAlgorithm Algorithm => DfnsSignatures.AlgorithmFor(_signer.Key);

    /// <summary>Sent as X-DFNS-APPID when set.</summary>
    public string? AppId { get; }

    /// <summary>The credential calls (list, add, activate, deactivate, test).</summary>
    public DfnsCredentialManager Credentials { get; }

    internal DfnsSigner Signer => _signer;

    internal RotationKey CurrentKey => _signer.Key;

    internal HttpPipeline Pipeline => _pipeline;

    public override string ToString() => $"Dfns {BaseUri.Authority} as credential {CredentialId}";

    /// <summary>
    /// Checks, with GET /auth/credentials, that the token works and that the current credential
    /// exists, is an active Key credential, and holds the given key's public half.
    /// </summary>
    public async Task<DfnsCredential> ConnectAsync(CancellationToken cancellationToken)
    {
        IReadOnlyList<DfnsCredential> all = await Credentials.ListAsync(cancellationToken).ConfigureAwait(false);
        DfnsCredential current = CheckCurrent(all, _signer);
        _credentialUuid = current.CredentialUuid;
        OperationLog.Current.Verbose($"Connected to Dfns {BaseUri.Authority}; user actions are signed by credential {current.CredentialId} ({current.CredentialUuid}, {Algorithm}).");
        return current;
    }

    /// <summary>From now on user actions are signed by this credential (after a rotation).</summary>
    internal void UseCredential(DfnsSigner signer, string? credentialUuid)
    {
        ThrowIfDisposed();
        _signer = signer ?? throw new ArgumentNullException(nameof(signer));
        _credentialUuid = credentialUuid;
        OperationLog.Current.Verbose($"The connection now signs user actions with credential {signer.CredId}.");
    }

    /// <summary>The current credential in the list, checked (found, Key, active, same public key).</summary>
    internal static DfnsCredential CheckCurrent(IReadOnlyList<DfnsCredential> all, DfnsSigner signer)
    {
        DfnsCredential? current = all.FirstOrDefault(c => string.Equals(c.CredentialId, signer.CredId, StringComparison.Ordinal));
        if (current is null)
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsCredentialNotFound,
                ErrorKind.ObjectNotFound,
                $"The user of this token has no credential with credId '{signer.CredId}'. Check -CredentialId (Get-DfnsCredential -Connection … lists the credentials; the credId is CredentialId).",
                signer.CredId);
        }

        if (!current.IsKey)
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsCredentialKindUnsupported,
                ErrorKind.InvalidArgument,
                $"The credential '{signer.CredId}' is a {current.Kind} credential; only Key credentials can sign with a private key here.",
                signer.CredId);
        }

        if (!current.IsActive)
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsCredentialInactive,
                ErrorKind.InvalidOperation,
                $"The credential '{signer.CredId}' ({current.CredentialUuid}) is deactivated and cannot sign user actions. Connect with an active credential (after a rotation: the new key and its credId).",
                signer.CredId);
        }

        if (!string.Equals(current.Kid, signer.Key.Kid, StringComparison.Ordinal))
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsCredentialKeyMismatch,
                ErrorKind.InvalidArgument,
                $"The credential '{signer.CredId}' holds a different public key than the given key {signer.Key.Kid}{(current.Kid is null ? string.Empty : " (it holds " + current.Kid + ")")}. Give that credential's own private key.",
                signer.CredId);
        }

        return current;
    }

    public void Dispose()
    {
        if (_disposed)
        {
            return;
        }

        _disposed = true;
        _token.Dispose();
        _pipeline.Dispose();
    }

    /// <summary>
    /// One Dfns API call. The body is serialised once, compact (a <see cref="string"/> is taken as
    /// JSON text already); with <paramref name="userAction"/> the current credential signs a user
    /// action over exactly those bytes (POST /auth/action/init → sign → POST /auth/action) and the
    /// same bytes go out with x-dfns-useraction. Failures are <see cref="ApiException"/>s (HTTP 202,
    /// a pending policy approval, is <see cref="ErrorIds.DfnsPolicyApprovalPending"/>).
    /// </summary>
    internal Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, bool userAction, CancellationToken ct) =>
        SendAsync(method, path, body, userAction ? _signer : null, ct);

    /// <summary>As <see cref="SendAsync(HttpMethod, string, object?, bool, CancellationToken)"/>, the user action signed by <paramref name="signer"/> (null: none).</summary>
    internal async Task<JsonElement> SendAsync(HttpMethod method, string path, object? body, DfnsSigner? signer, CancellationToken ct, object? target = null)
    {
        ThrowIfDisposed();
        string? payload = Serialize(body);
        string? userActionToken = signer is null ? null : await SignUserActionAsync(method, path, payload ?? string.Empty, signer, ct).ConfigureAwait(false);
        ApiRequest request = NewRequest(method, path, payload, target);
        if (userActionToken is not null)
        {
            request.Headers.Add(new KeyValuePair<string, string>(DfnsWire.UserActionHeader, userActionToken));

            // The user-action token is single-use: never resend it after an answer.
            request.Idempotent = false;
        }

        ApiResponse response = await SendRequestAsync(request, ct).ConfigureAwait(false);
        return Parse(response, method, path);
    }

    /// <summary>The compact JSON text sent and signed (null: no body).</summary>
    internal static string? Serialize(object? body) => body switch
    {
        null => null,
        string text => text,
        JsonElement element => element.GetRawText(),
        _ => JsonSerializer.Serialize(body, body.GetType(), BodyOptions),
    };

    /// <summary>
    /// Steps 1–3 of user action signing: the challenge for exactly (method, path, payload), the
    /// signer's assertion over <c>{"type":"key.get","challenge":…}</c>, and the user-action token.
    /// </summary>
    internal async Task<string> SignUserActionAsync(HttpMethod method, string path, string payload, DfnsSigner signer, CancellationToken ct)
    {
        string initBody = DfnsSignatures.Write(w =>
        {
            w.WriteString(DfnsWire.UserActionPayload, payload);
            w.WriteString(DfnsWire.UserActionHttpMethod, method.Method);
            w.WriteString(DfnsWire.UserActionHttpPath, path);
            w.WriteString(DfnsWire.UserActionServerKind, DfnsWire.ServerKindApi);
        });
        JsonElement challenge = Parse(await SendRequestAsync(NewRequest(HttpMethod.Post, DfnsWire.ActionInitPath, initBody, path), ct).ConfigureAwait(false), HttpMethod.Post, DfnsWire.ActionInitPath);
        string challengeText = Text(challenge, DfnsWire.Challenge) ?? throw ApiErrors.InvalidResponse("POST", DfnsWire.ActionInitPath, 200, "no challenge in the answer", path);
        string challengeId = Text(challenge, DfnsWire.ChallengeIdentifier) ?? throw ApiErrors.InvalidResponse("POST", DfnsWire.ActionInitPath, 200, "no challengeIdentifier in the answer", path);
        IReadOnlyList<string> allowed = AllowedKeyCredentials(challenge);
        if (!allowed.Contains(signer.CredId, StringComparer.Ordinal))
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsUserActionCredentialNotAllowed,
                ErrorKind.PermissionDenied,
                $"Dfns does not accept credential '{signer.CredId}' for this user action ({method.Method} {path}): it is not among the user's active Key credentials{(allowed.Count == 0 ? string.Empty : " (" + string.Join(", ", allowed) + ")")}. It may be deactivated, or belong to another user.",
                signer.CredId);
        }

        string clientData = DfnsSignatures.AssertionClientData(challengeText);
        byte[] clientDataBytes = Encoding.UTF8.GetBytes(clientData);
        string signature = Base64Url.Encode(DfnsSignatures.Sign(signer.Key, clientDataBytes));
        string actionBody = DfnsSignatures.Write(w =>
        {
            w.WriteString(DfnsWire.ChallengeIdentifier, challengeId);
            w.WriteStartObject(DfnsWire.FirstFactor);
            w.WriteString(DfnsWire.Kind, DfnsWire.KindKey);
            w.WriteStartObject(DfnsWire.CredentialAssertion);
            w.WriteString(DfnsWire.CredId, signer.CredId);
            w.WriteString(DfnsWire.ClientData, Base64Url.Encode(clientDataBytes));
            w.WriteString(DfnsWire.Signature, signature);
            w.WriteEndObject();
            w.WriteEndObject();
        });
        JsonElement answer;
        try
        {
            answer = Parse(await SendRequestAsync(NewRequest(HttpMethod.Post, DfnsWire.ActionPath, actionBody, signer.CredId), ct).ConfigureAwait(false), HttpMethod.Post, DfnsWire.ActionPath);
        }
        catch (ApiException ex) when (ex.StatusCode is 400 or 401 or 403 or 404)
        {
            throw new ApiException(
                ErrorIds.DfnsUserActionRefused,
                ErrorKind.PermissionDenied,
                $"Dfns refused the user-action signature of credential '{signer.CredId}' for {method.Method} {path} (HTTP {ex.StatusCode?.ToString(CultureInfo.InvariantCulture)}{(ex.ProviderMessage is null ? string.Empty : ": " + ex.ProviderMessage)}). The key does not match the credential, or the credential is deactivated. Nothing was changed.",
                ex.Method,
                ex.Path,
                ex.StatusCode,
                ex.ProviderErrorCode,
                ex.ProviderMessage,
                signer.CredId,
                ex);
        }

        string token = Text(answer, DfnsWire.UserAction) ?? throw ApiErrors.InvalidResponse("POST", DfnsWire.ActionPath, 200, "no userAction in the answer", signer.CredId);
        OperationLog.Current.Verbose($"{method.Method} {path}: user action signed by credential {signer.CredId}.");
        return token;
    }

    private static IReadOnlyList<string> AllowedKeyCredentials(JsonElement challenge)
    {
        var ids = new List<string>();
        if (challenge.TryGetProperty(DfnsWire.AllowCredentials, out JsonElement allow) && allow.ValueKind == JsonValueKind.Object
            && allow.TryGetProperty(DfnsWire.Key, out JsonElement keys) && keys.ValueKind == JsonValueKind.Array)
        {
            foreach (JsonElement key in keys.EnumerateArray())
            {
                if (Text(key, DfnsWire.Id) is string id)
                {
                    ids.Add(id);
                }
            }
        }

        return ids;
    }

    private ApiRequest NewRequest(HttpMethod method, string path, string? payload, object? target)
    {
        var request = new ApiRequest(method, path)
        {
            Target = target ?? path,
            BearerToken = _ => Task.FromResult(RevealToken()),
        };
        if (payload is not null)
        {
            request.Content = () => new StringContent(payload, new UTF8Encoding(false), "application/json");
        }

        if (AppId is not null)
        {
            request.Headers.Add(new KeyValuePair<string, string>(DfnsWire.AppIdHeader, AppId));
        }

        return request;
    }

    private async Task<ApiResponse> SendRequestAsync(ApiRequest request, CancellationToken ct)
    {
        ApiResponse response;
        try
        {
            response = await _pipeline.SendAsync(request, ct).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode == 401)
        {
            throw new ApiException(
                ErrorIds.DfnsTokenRejected,
                ErrorKind.PermissionDenied,
                $"Dfns refused the token for {ex.Method} {ex.Path}{(ex.ProviderMessage is null ? string.Empty : " (" + ex.ProviderMessage + ")")}: it is wrong, expired or deactivated, or the user-action signature was not accepted. Check -Token and connect again (Connect-DfnsOrganization).",
                ex.Method,
                ex.Path,
                ex.StatusCode,
                ex.ProviderErrorCode,
                ex.ProviderMessage,
                request.Target,
                ex);
        }

        if (response.StatusCode == 202)
        {
            throw new ApiException(
                ErrorIds.DfnsPolicyApprovalPending,
                ErrorKind.InvalidOperation,
                $"{request.Method.Method} {request.Path} awaits approval under a Dfns policy (HTTP 202): it takes effect only once approved. Approve it in Dfns, then run the command again (it reads the state first).",
                request.Method.Method,
                request.Path,
                202,
                null,
                null,
                request.Target);
        }

        return response;
    }

    private static JsonElement Parse(ApiResponse response, HttpMethod method, string path)
    {
        if (string.IsNullOrWhiteSpace(response.Body))
        {
            using JsonDocument empty = JsonDocument.Parse("{}");
            return empty.RootElement.Clone();
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(response.Body);
            return document.RootElement.Clone();
        }
        catch (JsonException ex)
        {
            throw ApiErrors.InvalidResponse(method.Method, path, response.StatusCode, "the answer is not JSON", path, ex);
        }
    }

    internal static string? Text(JsonElement element, string name) =>
        element.ValueKind == JsonValueKind.Object && element.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;

    private string RevealToken()
    {
        ThrowIfDisposed();
        char[] chars = SecureStrings.ToChars(_token);
        try
        {
            return new string(chars);
        }
        finally
        {
            SecureStrings.Clear(chars);
        }
    }

    private void ThrowIfDisposed()
    {
        if (_disposed)
        {
            throw new ObjectDisposedException(nameof(DfnsConnection), $"The Dfns connection to {BaseUri.Authority} was closed. Connect again.");
        }
    }

    private static Uri ParseBaseUri(string? baseUri)
    {
        string text = string.IsNullOrWhiteSpace(baseUri) ? DfnsWire.DefaultBaseUri : baseUri!.Trim();
        if (!Uri.TryCreate(text, UriKind.Absolute, out Uri? uri)
            || (uri.Scheme != Uri.UriSchemeHttps && uri.Scheme != Uri.UriSchemeHttp)
            || uri.Host.Length == 0
            || uri.UserInfo.Length != 0
            || (uri.AbsolutePath != "/" && uri.AbsolutePath.Length != 0)
            || uri.Query.Length != 0
            || uri.Fragment.Length != 0)
        {
            throw new PsCredRotateException(
                ErrorIds.DfnsBaseUriInvalid,
                ErrorKind.InvalidArgument,
                $"The base URI '{text}' is not valid: give an https URL with nothing after the host, such as {DfnsWire.DefaultBaseUri}.",
                text);
        }

        if (uri.Scheme == Uri.UriSchemeHttp && !IsLoopback(uri))
        {
            throw new PsCredRotateException(
                ErrorIds.InsecureTransport,
                ErrorKind.SecurityError,
                $"Plain http is refused for '{uri.Authority}': the token and user-action signatures would travel unencrypted. Use https (plain http is accepted only for a loopback emulator such as http://127.0.0.1:5080).",
                text);
        }

        return new Uri(uri.Scheme + "://" + uri.Authority + "/");
    }

    private static bool IsLoopback(Uri uri) =>
        uri.IsLoopback || (IPAddress.TryParse(uri.Host.Trim('[', ']'), out IPAddress? address) && IPAddress.IsLoopback(address));
}

/// <summary>A Key credential that signs user actions: its credId and private key.</summary>
internal sealed class DfnsSigner
{
    public DfnsSigner(string credId, RotationKey key)
    {
        CredId = credId ?? throw new ArgumentNullException(nameof(credId));
        Key = key ?? throw new ArgumentNullException(nameof(key));
    }

    public string CredId { get; }

    public RotationKey Key { get; }

    public override string ToString() => $"credential {CredId} (key {Key.Kid})";
}
