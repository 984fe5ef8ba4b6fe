using System;
using System.Collections.Generic;
using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;
using PsCredRotate.Core.Jose;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Auth0;

/// <summary>
/// The tenant's token endpoint. Public methods report facts only; the access token never leaves
/// (the Management API token is used inside the connection and nowhere else).
/// </summary>
public sealed class Auth0AuthenticationApi
{
    private readonly Auth0Connection _connection;

    internal Auth0AuthenticationApi(Auth0Connection connection)
    {
        _connection = connection;
    }

    /// <summary>
    /// POST /oauth/token with grant_type=client_credentials and an assertion signed by
    /// <paramref name="key"/> (aud = the tenant's https://{domain}/). A refusal (401/403) is a
    /// result with Success false and the OAuth error; unreachable is an <see cref="Http.ApiException"/>.
    /// </summary>
    public async Task<ClientCredentialTestResult> TestClientAssertionAsync(string clientId, RotationKey key, string audience, CancellationToken cancellationToken)
    {
        if (string.IsNullOrWhiteSpace(clientId))
        {
            throw new ArgumentException("A client id is required.", nameof(clientId));
        }

        if (string.IsNullOrWhiteSpace(audience))
        {
            throw new PsCredRotateException(
                ErrorIds.VerificationAudienceRequired,
                ErrorKind.InvalidArgument,
                $"An audience (API identifier) is needed to request a token for client '{clientId}'.",
                clientId);
        }

        // Checked before any call: a key that cannot sign is the caller's error, not a refusal.
        ClientAssertionFactory.Create(key, clientId, _connection.TenantAudience, now: _connection.Now);
        var request = new ApiRequest(HttpMethod.Post, Auth0Connection.TokenPath)
        {
            Target = clientId,
            Content = () =>
            {
                // A fresh assertion (new jti) for every attempt.
                ClientAssertion assertion = ClientAssertionFactory.Create(key, clientId, _connection.TenantAudience, now: _connection.Now);
                return new FormUrlEncodedContent(new[]
                {
                    new KeyValuePair<string, string>("grant_type", "client_credentials"),
                    new KeyValuePair<string, string>("client_id", clientId),
                    new KeyValuePair<string, string>("audience", audience),
                    new KeyValuePair<string, string>("client_assertion_type", Auth0Connection.JwtBearerAssertionType),
                    new KeyValuePair<string, string>("client_assertion", assertion.RevealCompactSerialization()),
                });
            },
            LoggableContent = () => $"grant_type=client_credentials&client_id={Uri.EscapeDataString(clientId)}&audience={Uri.EscapeDataString(audience)}&client_assertion={Http.Redaction.Mask} (kid {key.Kid})",
        };
        DateTimeOffset testedAt = _connection.Now;
        ApiResponse response;
        try
        {
            response = await _connection.Pipeline.SendAsync(request, cancellationToken).ConfigureAwait(false);
        }
        catch (ApiException ex) when (ex.StatusCode is 401 or 403)
        {
            return new ClientCredentialTestResult(clientId, key.Kid, audience, false, null, ex.StatusCode, ex.ProviderErrorCode, ex.ProviderMessage, testedAt);
        }

        long expiresIn = Auth0Wire.Read(response, request, root =>
        {
            if (root.ValueKind != JsonValueKind.Object || !root.TryGetProperty("access_token", out JsonElement token) || token.ValueKind != JsonValueKind.String)
            {
                throw new FormatException("no access_token in the answer");
            }

            return root.TryGetProperty("expires_in", out JsonElement e) && e.ValueKind == JsonValueKind.Number && e.TryGetInt64(out long s) ? s : 0L;
        });
        DateTimeOffset? expiresAt = expiresIn > 0 ? testedAt.AddSeconds(expiresIn) : null;
        Diagnostics.OperationLog.Current.Verbose(string.Format(CultureInfo.InvariantCulture, "Client '{0}' obtained a token for {1} with kid {2}.", clientId, audience, key.Kid));
        return new ClientCredentialTestResult(clientId, key.Kid, audience, true, expiresAt, response.StatusCode, null, null, testedAt);
    }
}
