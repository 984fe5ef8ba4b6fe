namespace PsCredRotate.Core.Dfns;

/// <summary>Dfns API paths, headers and member names (dfns-api.md §5), in one place.</summary>
internal static class DfnsWire
{
    public const string DefaultBaseUri = "https://api.dfns.io";

    public const string UserActionHeader = "x-dfns-useraction";
    public const string AppIdHeader = "X-DFNS-APPID";

    public const string ActionInitPath = "/auth/action/init";
    public const string ActionPath = "/auth/action";
    public const string CredentialsPath = "/auth/credentials";
    public const string CredentialsInitPath = "/auth/credentials/init";
    public const string DeactivatePath = "/auth/credentials/deactivate";
    public const string ActivatePath = "/auth/credentials/activate";

    public const string ServerKindApi = "Api";
    public const string KindKey = "Key";

    public const string ClientDataTypeGet = "key.get";
    public const string ClientDataTypeCreate = "key.create";

    // Members of /auth/action/init and /auth/action.
    public const string UserActionPayload = "userActionPayload";
    public const string UserActionHttpMethod = "userActionHttpMethod";
    public const string UserActionHttpPath = "userActionHttpPath";
    public const string UserActionServerKind = "userActionServerKind";
    public const string Challenge = "challenge";
    public const string ChallengeIdentifier = "challengeIdentifier";
    public const string AllowCredentials = "allowCredentials";
    public const string Key = "key";
    public const string Id = "id";
    public const string FirstFactor = "firstFactor";
    public const string Kind = "kind";
    public const string CredentialAssertion = "credentialAssertion";
    public const string CredId = "credId";
    public const string ClientData = "clientData";
    public const string Signature = "signature";
    public const string UserAction = "userAction";
    public const string Type = "type";

    // Members of credentials.
    public const string Items = "items";
    public const string CredentialId = "credentialId";
    public const string CredentialUuid = "credentialUuid";
    public const string CredentialKind = "credentialKind";
    public const string CredentialInfo = "credentialInfo";
    public const string CredentialName = "credentialName";
    public const string AttestationData = "attestationData";
    public const string DateCreated = "dateCreated";
    public const string IsActive = "isActive";
    public const string Name = "name";
    public const string PublicKey = "publicKey";
    public const string RelyingPartyId = "relyingPartyId";
    public const string Origin = "origin";
    public const string ClientDataHash = "clientDataHash";
    public const string Algorithm = "algorithm";

    // Error bodies.
    public const string Error = "error";
    public const string Message = "message";
}
