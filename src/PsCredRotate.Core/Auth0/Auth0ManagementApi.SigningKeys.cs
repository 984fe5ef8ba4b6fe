using System;
using System.Collections.Generic;
using System.Linq;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.SigningKeys;

namespace PsCredRotate.Core.Auth0;

/// <summary>/api/v2/keys/signing and the tenant's JWKS.</summary>
public sealed partial class Auth0ManagementApi : ISigningKeyApi
{
    private const string SigningKeysPath = "/api/v2/keys/signing";

    string ISigningKeyApi.Tenant => _connection.Domain;

    DateTimeOffset ISigningKeyApi.Now => _connection.Now;

    public async Task<IReadOnlyList<SigningKey>> ListSigningKeysAsync(CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, SigningKeysPath) { Target = _connection.Domain };
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root =>
        {
            if (root.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("the signing key list is not an array");
            }

            return (IReadOnlyList<SigningKey>)root.EnumerateArray().Select(e => SigningKeyWire.Read(e, _connection.Domain)).ToList();
        });
    }

    public async Task<SigningKey> GetSigningKeyAsync(string kid, CancellationToken cancellationToken)
    {
        CheckId(kid, nameof(kid));
        ApiRequest request = SigningKeyRequest(HttpMethod.Get, kid, string.Empty);
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root => SigningKeyWire.Read(root, _connection.Domain));
    }

    /// <summary>POST /keys/signing/rotate (201 {cert, kid} of the new next key). Never retried after a send: a second rotate would rotate twice.</summary>
    public async Task<string> RotateSigningKeyAsync(CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Post, SigningKeysPath + "/rotate") { Target = _connection.Domain, Idempotent = false };
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root => Auth0Wire.Text(root, Auth0Wire.Kid) ?? throw new FormatException("no kid in the rotate answer"));
    }

    /// <summary>PUT /keys/signing/{kid}/revoke (200 {cert, kid}). Not retried after a send: a repeat is refused as not previous.</summary>
    public async Task<string> RevokeSigningKeyAsync(string kid, CancellationToken cancellationToken)
    {
        CheckId(kid, nameof(kid));
        ApiRequest request = SigningKeyRequest(HttpMethod.Put, kid, "/revoke");
        request.Idempotent = false;
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root => Auth0Wire.Text(root, Auth0Wire.Kid) ?? kid);
    }

    /// <summary>GET of a JWKS document without any credential: the tenant's /.well-known/jwks.json, or <paramref name="jwksUri"/>.</summary>
    public async Task<IReadOnlyList<string>> GetJwksKidsAsync(Uri? jwksUri, CancellationToken cancellationToken)
    {
        var request = new ApiRequest(HttpMethod.Get, jwksUri?.AbsoluteUri ?? SigningKeyManager.TenantJwksPath)
        {
            Target = jwksUri?.AbsoluteUri ?? _connection.Domain + SigningKeyManager.TenantJwksPath,
        };
        ApiResponse response = await _connection.Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root =>
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("keys", out JsonElement keys) || keys.ValueKind != JsonValueKind.Array)
            {
                throw new FormatException("not a JWKS document (no 'keys' array)");
            }

            return (IReadOnlyList<string>)keys.EnumerateArray().Select(k => Auth0Wire.Text(k, Auth0Wire.Kid)).Where(k => k is not null).Select(k => k!).ToList();
        });
    }

    private static ApiRequest SigningKeyRequest(HttpMethod method, string kid, string suffix) =>
        new(method, SigningKeysPath + "/" + Uri.EscapeDataString(kid) + suffix)
        {
            Target = kid,
            NotFound = _ => (ErrorIds.SigningKeyNotFound, kid),
        };
}

/// <summary>Auth0's signing-key fields and their reading into <see cref="SigningKey"/>.</summary>
internal static class SigningKeyWire
{
    public const string Cert = "cert";
    public const string Fingerprint = "fingerprint";
    public const string Thumbprint = "thumbprint";
    public const string Current = "current";
    public const string Next = "next";
    public const string Previous = "previous";
    public const string Revoked = "revoked";
    public const string CurrentSince = "current_since";
    public const string CurrentUntil = "current_until";
    public const string RevokedAt = "revoked_at";

    /// <summary>Flags appear only when true; revoked wins over previous (a revoked key keeps previous:true).</summary>
    public static SigningKey Read(JsonElement o, string tenant)
    {
        string kid = Auth0Wire.Text(o, Auth0Wire.Kid) ?? throw new FormatException("a signing key has no kid");
        SigningKeyState state = Flag(o, Revoked) ? SigningKeyState.Revoked
            : Flag(o, Current) ? SigningKeyState.Current
            : Flag(o, Next) ? SigningKeyState.Next
            : Flag(o, Previous) ? SigningKeyState.Previous
            : throw new FormatException($"the signing key {kid} is neither current, next, previous nor revoked");
        return new SigningKey(
            kid,
            state,
            Auth0Wire.Date(o, CurrentSince),
            Auth0Wire.Date(o, CurrentUntil),
            Auth0Wire.Date(o, RevokedAt),
            Auth0Wire.Text(o, Thumbprint) ?? string.Empty,
            Auth0Wire.Text(o, Fingerprint) ?? string.Empty,
            NotAfter(Auth0Wire.Text(o, Cert), kid),
            tenant);
    }

    private static bool Flag(JsonElement o, string name) =>
        o.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.True;

    private static DateTimeOffset? NotAfter(string? pem, string kid)
    {
        if (string.IsNullOrWhiteSpace(pem))
        {
            return null;
        }

        try
        {
            PemBlock block = PemReader.Read(pem!).FirstOrDefault(b => b.Label == Pem.CertificateLabel)
                ?? throw new FormatException($"the cert of signing key {kid} holds no certificate");
            return KeyCertificate.FromDer(block.Der).NotAfter;
        }
        catch (PsCredRotateException ex)
        {
            throw new FormatException($"the cert of signing key {kid} is not a readable certificate ({ex.ErrorId})", ex);
        }
    }
}
