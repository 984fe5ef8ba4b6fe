using System;
using System.Collections.Generic;
using System.Globalization;
using System.IO;
using System.Linq;
using System.Text;
using PsCredRotate.Core.Keys;
using PsCredRotate.Core.Rotation;

namespace PsCredRotate.Core.Terraform;

/// <summary>What <see cref="TerraformClientCredentialExporter"/> writes for one client.</summary>
public sealed class TerraformClientCredentialOptions
{
    /// <summary>The Terraform resource name; null: made from the client's name (<see cref="TerraformClientCredentialExporter.DefaultResourceName"/>).</summary>
    public string? ResourceName { get; set; }

    /// <summary>
    /// Keys whose public PEM is written inline (a heredoc) for the attached credential with the
    /// same kid. Only the public half is ever read.
    /// </summary>
    public IReadOnlyList<RotationKey> Keys { get; set; } = Array.Empty<RotationKey>();

    /// <summary>
    /// Where the <c>file("…")</c> reference of a credential without a key in <see cref="Keys"/>
    /// points: a folder relative to the Terraform module (<c>${path.module}/keys/&lt;kid&gt;.pem</c>)
    /// or an absolute folder.
    /// </summary>
    public string PemDirectory { get; set; } = DefaultPemDirectory;

    /// <summary>Also write the <c>import</c> block (Terraform 1.5+) that adopts the existing resource by client id.</summary>
    public bool Import { get; set; } = true;

    public const string DefaultPemDirectory = "keys";
}

/// <summary>
/// The <c>auth0_client_credentials</c> configuration of one client's current credentials, as the
/// server reports them: the authentication method and, for private_key_jwt, one <c>credentials</c>
/// block per attached credential (name, type, algorithm, expiry and the public key PEM), plus an
/// <c>import</c> block so that Terraform adopts the client's credentials instead of creating them
/// again. Auth0 never returns a credential's PEM: it comes from a key the caller holds (inline
/// heredoc), else from a <c>file()</c> reference named by the kid. No secret is ever written:
/// a client secret stays with Auth0 (the configuration holds only the method).
/// </summary>
public static class TerraformClientCredentialExporter
{
    /// <summary>The HCL text for <paramref name="state"/>.</summary>
    public static string Write(ClientCredentialState state, TerraformClientCredentialOptions options)
    {
        if (state is null)
        {
            throw new ArgumentNullException(nameof(state));
        }

        options ??= new TerraformClientCredentialOptions();
        string resourceName = options.ResourceName ?? DefaultResourceName(state.ClientId, state.ClientName);
        if (!HclWriter.IsIdentifier(resourceName))
        {
            throw new PsCredRotateException(
                ErrorIds.TerraformResourceNameInvalid,
                ErrorKind.InvalidArgument,
                $"'{resourceName}' is not a Terraform resource name: use letters, digits, '_' and '-', starting with a letter or '_'.",
                resourceName);
        }

        string method = MethodName(state);
        List<ClientCredential> attached = state.AttachedIds
            .Select(id => state.FindById(id))
            .Where(c => c is not null)
            .Select(c => c!)
            .ToList();
        if (state.AuthenticationMethod == ClientAuthenticationMethod.PrivateKeyJwt && attached.Count == 0)
        {
            throw new PsCredRotateException(
                ErrorIds.TerraformNoAttachedCredential,
                ErrorKind.InvalidOperation,
                $"Client '{state.ClientId}' uses private_key_jwt but has no attached credential, and auth0_client_credentials needs at least one. Attach one first (Enable-ClientCredential), then convert.",
                state.ClientId);
        }

        var keysByKid = new Dictionary<string, RotationKey>(StringComparer.Ordinal);
        foreach (RotationKey key in options.Keys ?? Array.Empty<RotationKey>())
        {
            if (key is not null && !keysByKid.ContainsKey(key.Kid))
            {
                keysByKid.Add(key.Kid, key);
            }
        }

        var hcl = new HclWriter();
        hcl.Comment($"Client '{state.ClientName ?? state.ClientId}' ({state.ClientId}): {method}"
            + (attached.Count == 0 ? "." : $", {attached.Count} attached credential(s), as the server reported them.")
            + "\nWritten by ConvertTo-TerraformClientCredential (PsCredRotate). Run 'terraform plan' and check it before 'terraform apply'.");
        if (options.Import)
        {
            hcl.BeginBlock(TerraformWire.ImportBlock)
                .Expression(TerraformWire.ImportTo, TerraformWire.ClientCredentialsResource + "." + resourceName)
                .Attribute(TerraformWire.ImportId, state.ClientId)
                .EndBlock()
                .BlankLine();
        }

        hcl.BeginBlock(TerraformWire.ResourceBlock, TerraformWire.ClientCredentialsResource, resourceName)
            .Attribute(TerraformWire.ClientId, state.ClientId)
            .Attribute(TerraformWire.AuthenticationMethod, method);
        if (state.AuthenticationMethod is ClientAuthenticationMethod.ClientSecretPost or ClientAuthenticationMethod.ClientSecretBasic)
        {
            hcl.BlankLine().Comment("The client secret stays with Auth0: it is not written here (rotate it with Invoke-ClientSecretRotation).");
        }

        if (attached.Count > 0)
        {
            hcl.BlankLine().BeginBlock(TerraformWire.PrivateKeyJwt);
            foreach (ClientCredential credential in attached)
            {
                WriteCredential(hcl, credential, keysByKid, options.PemDirectory);
            }

            hcl.EndBlock();
        }

        List<ClientCredential> detached = state.Detached.ToList();
        if (detached.Count > 0)
        {
            hcl.BlankLine().Comment(
                "Stored on the server but not attached, so not part of this configuration:\n"
                + string.Join("\n", detached.Select(c => $"  {c.Id} kid {c.Kid ?? "-"}{(c.Name is null ? string.Empty : " '" + c.Name + "'")}")));
        }

        hcl.EndBlock();
        return hcl.ToString();
    }

    /// <summary>The kids of the attached credentials for which <paramref name="options"/> holds no key (their PEM is a file reference).</summary>
    public static IReadOnlyList<string> KidsWithoutKey(ClientCredentialState state, TerraformClientCredentialOptions options)
    {
        var kids = new HashSet<string>((options?.Keys ?? Array.Empty<RotationKey>()).Where(k => k is not null).Select(k => k.Kid), StringComparer.Ordinal);
        return state.Attached.Where(c => c.Kid is not null && !kids.Contains(c.Kid)).Select(c => c.Kid!).ToList();
    }

    /// <summary>A resource name from the client's name (else its id): lower case, other characters as '_'.</summary>
    public static string DefaultResourceName(string clientId, string? clientName) =>
        HclWriter.ToIdentifier(clientName, HclWriter.ToIdentifier("client_" + clientId, "client"));

    /// <summary>Writes <paramref name="text"/> to <paramref name="path"/> atomically (ExportFileExists unless <paramref name="overwrite"/>).</summary>
    public static FileInfo WriteFile(string path, string text, bool overwrite) =>
        OwnerOnlyFile.WriteAtomically(path, ownerOnly: false, overwrite, stream =>
        {
            byte[] bytes = new UTF8Encoding(encoderShouldEmitUTF8Identifier: false).GetBytes(text);
            stream.Write(bytes, 0, bytes.Length);
        });

    private static void WriteCredential(HclWriter hcl, ClientCredential credential, Dictionary<string, RotationKey> keys, string pemDirectory)
    {
        hcl.Comment($"{credential.Id}, kid {credential.Kid ?? "-"}");
        hcl.BeginBlock(TerraformWire.Credentials);
        if (credential.Name is { Length: > 0 } name)
        {
            hcl.Attribute(TerraformWire.Name, name);
        }

        hcl.Attribute(TerraformWire.CredentialType, credential.Type);
        if (credential.Algorithm is { Length: > 0 } algorithm)
        {
            hcl.Attribute(TerraformWire.Algorithm, algorithm);
        }

        if (credential.ExpiresAt is DateTimeOffset expires)
        {
            hcl.Attribute(TerraformWire.ExpiresAt, expires.ToUniversalTime().ToString(TerraformWire.ExpiresAtFormat, CultureInfo.InvariantCulture));
        }

        if (credential.Kid is not null && keys.TryGetValue(credential.Kid, out RotationKey? key))
        {
            // The public half only: PublicKeyPem is SubjectPublicKeyInfo, never the private key.
            hcl.Heredoc(TerraformWire.Pem, key.PublicKeyPem);
        }
        else
        {
            hcl.Expression(TerraformWire.Pem, "file(" + PemFileReference(pemDirectory, credential.Kid ?? credential.Id) + ")");
        }

        hcl.EndBlock();
    }

    /// <summary>The quoted path of the PEM file of <paramref name="name"/>: under <c>${path.module}</c> unless the folder is absolute.</summary>
    internal static string PemFileReference(string? directory, string name)
    {
        string folder = (string.IsNullOrWhiteSpace(directory) ? TerraformClientCredentialOptions.DefaultPemDirectory : directory!).Replace('\\', '/').TrimEnd('/');
        bool absolute = folder.StartsWith("/", StringComparison.Ordinal) || (folder.Length >= 2 && folder[1] == ':');
        string quoted = HclWriter.Quote((folder.Length == 0 ? string.Empty : folder + "/") + name + ".pem");
        return absolute ? quoted : "\"${path.module}/" + quoted.Substring(1);
    }

    private static string MethodName(ClientCredentialState state) => state.AuthenticationMethod switch
    {
        ClientAuthenticationMethod.None => TerraformWire.MethodNone,
        ClientAuthenticationMethod.ClientSecretPost => TerraformWire.MethodClientSecretPost,
        ClientAuthenticationMethod.ClientSecretBasic => TerraformWire.MethodClientSecretBasic,
        ClientAuthenticationMethod.PrivateKeyJwt => TerraformWire.MethodPrivateKeyJwt,
        _ => throw new PsCredRotateException(
            ErrorIds.TerraformAuthenticationMethodUnsupported,
            ErrorKind.NotImplemented,
            $"Client '{state.ClientId}' uses {state.AuthenticationMethod}; ConvertTo-TerraformClientCredential writes private_key_jwt and client secret methods only.",
            state.ClientId),
    };
}
