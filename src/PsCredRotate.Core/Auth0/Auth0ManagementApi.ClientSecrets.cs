using System;
using System.Net.Http;
using System.Security;
using System.Text.Json;
using System.Threading;
using System.Threading.Tasks;
using PsCredRotate.Core.Http;

namespace PsCredRotate.Core.Auth0;

public sealed partial class Auth0ManagementApi
{
    private const string ClientSecretMember = "client_secret";

    /// <summary>
    /// POST /clients/{id}/rotate-secret (200, the client with its new client_secret). Auth0 replaces
    /// the secret at once: the old one stops working with this call. The new secret is returned
    /// only as a read-only SecureString; the rest of the answer is not kept. Not retried (a second
    /// call would replace the secret again).
    /// </summary>
    public async Task<SecureString> RotateClientSecretAsync(string clientId, CancellationToken cancellationToken)
    {
        CheckId(clientId, nameof(clientId));
        ApiRequest request = ClientRequest(HttpMethod.Post, clientId, "/rotate-secret");
        ApiResponse response = await _connection.SendManagementAsync(request, cancellationToken).ConfigureAwait(false);
        return Auth0Wire.Read(response, request, root =>
        {
            if (root.ValueKind != JsonValueKind.Object
                || !root.TryGetProperty(ClientSecretMember, out JsonElement secret)
                || secret.ValueKind != JsonValueKind.String
                || secret.GetString() is not { Length: > 0 } text)
            {
                // The message names the member, never a value.
                throw new FormatException("the answer has no client_secret");
            }

            return SecureStrings.FromString(text);
        });
    }
}
