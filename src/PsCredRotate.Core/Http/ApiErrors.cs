using System;
using System.Collections.Generic;
using System.Globalization;
using System.Linq;
using System.Text.Json;

namespace PsCredRotate.Core.Http;

/// <summary>HTTP outcome → <see cref="ApiException"/>, in one place.</summary>
internal static class ApiErrors
{
    private static readonly string[] ScopeMarkers = { "expected any of:", "expected all of:", "expected:" };

    /// <summary>Reads a provider error body (Auth0 or OAuth shape); missing parts are null.</summary>
    public static ApiError ParseBody(int statusCode, string? body)
    {
        if (string.IsNullOrWhiteSpace(body))
        {
            return new ApiError(statusCode, null, null);
        }

        try
        {
            using JsonDocument document = JsonDocument.Parse(body!);
            if (document.RootElement.ValueKind != JsonValueKind.Object)
            {
                return new ApiError(statusCode, null, null);
            }

            JsonElement root = document.RootElement;
            if (root.TryGetProperty("error", out JsonElement nested) && nested.ValueKind == JsonValueKind.Object)
            {
                // Dfns shape: {"error": {"message": "…"}} (the SDK falls back to a top-level message).
                return new ApiError(statusCode, null, Text(nested, "message") ?? Text(root, "message"));
            }

            string? errorCode = Text(root, "errorCode");
            string? message = Text(root, "message");
            if (message is null && Text(root, "error_description") is string description)
            {
                // OAuth shape: {error, error_description}.
                return new ApiError(statusCode, Text(root, "error"), description);
            }

            if (errorCode is null && message is null)
            {
                return new ApiError(statusCode, Text(root, "error"), null);
            }

            return new ApiError(statusCode, errorCode, message);
        }
        catch (JsonException)
        {
            return new ApiError(statusCode, null, null);
        }
    }

    /// <summary>The scopes an Auth0 403 message names ("Insufficient scope, expected any of: a, b"); empty when it names none.</summary>
    public static IReadOnlyList<string> MissingScopes(string? message)
    {
        if (string.IsNullOrEmpty(message))
        {
            return Array.Empty<string>();
        }

        foreach (string marker in ScopeMarkers)
        {
            int at = message!.IndexOf(marker, StringComparison.OrdinalIgnoreCase);
            if (at >= 0)
            {
                return message.Substring(at + marker.Length)
                    .Split(new[] { ',', ' ' }, StringSplitOptions.RemoveEmptyEntries)
                    .Select(s => s.Trim().TrimEnd('.'))
                    .Where(s => s.Length > 0 && s.IndexOf(':') > 0)
                    .ToArray();
            }
        }

        return Array.Empty<string>();
    }

    /// <summary>The exception for an error answer.</summary>
    public static ApiException FromStatus(ApiRequest request, ApiError error, Exception? inner = null)
    {
        int status = error.StatusCode;
        string call = request.Method.Method + " " + request.Path;
        string provider = ProviderSuffix(error);
        object? target = request.Target ?? request.Path;
        switch (status)
        {
            case 400:
                return Make(ErrorIds.ApiBadRequest, ErrorKind.InvalidArgument, $"{call} was refused as invalid{provider}", request, error, target, inner);
            case 401:
                return Make(ErrorIds.ApiUnauthorized, ErrorKind.PermissionDenied, $"{call} was refused: the access token was not accepted{provider}. Connect again (Connect-Auth0Tenant).", request, error, target, inner);
            case 403:
                IReadOnlyList<string> scopes = MissingScopes(error.Message);
                if (scopes.Count > 0 || string.Equals(error.ErrorCode, "insufficient_scope", StringComparison.Ordinal))
                {
                    string named = scopes.Count == 0
                        ? "a scope the token does not have"
                        : scopes.Count == 1 ? $"the scope '{scopes[0]}'" : "one of the scopes " + string.Join(", ", scopes.Select(s => "'" + s + "'"));
                    return Make(
                        ErrorIds.InsufficientScope,
                        ErrorKind.PermissionDenied,
                        $"{call} needs {named}, which the connection's token was not granted{provider}. Grant it to the management client (a client grant on the Management API) and connect again.",
                        request,
                        error,
                        scopes.Count == 0 ? target : string.Join(" ", scopes),
                        inner);
                }

                return Make(ErrorIds.ApiUnauthorized, ErrorKind.PermissionDenied, $"{call} was forbidden{provider}", request, error, target, inner);
            case 404:
                (string id, object? notFoundTarget) = request.NotFound?.Invoke(error) ?? (ErrorIds.ApiNotFound, target);
                string what = id switch
                {
                    ErrorIds.ClientNotFound => $"The client '{notFoundTarget}' does not exist in the tenant",
                    ErrorIds.CredentialNotFound => $"The credential '{notFoundTarget}' does not exist",
                    _ => $"{call} found nothing",
                };
                return Make(id, ErrorKind.ObjectNotFound, $"{what}{provider}", request, error, notFoundTarget, inner);
            case 409:
                return Make(ErrorIds.ApiConflict, ErrorKind.ResourceExists, $"{call} conflicts with what the server holds{provider}", request, error, target, inner);
            case 429:
                return Make(ErrorIds.RateLimited, ErrorKind.LimitsExceeded, $"{call} was rate-limited and still was after the retries{provider}. Lower -ThrottleLimit or try again later.", request, error, target, inner);
            case >= 500:
                return Make(ErrorIds.ApiServerError, ErrorKind.ConnectionError, $"{call} failed on the server (HTTP {status.ToString(CultureInfo.InvariantCulture)}){provider}. Read the state again before retrying: the change may or may not have happened.", request, error, target, inner);
            default:
                return Make(ErrorIds.ApiBadRequest, ErrorKind.InvalidArgument, $"{call} was refused (HTTP {status.ToString(CultureInfo.InvariantCulture)}){provider}", request, error, target, inner);
        }
    }

    public static ApiException Unreachable(ApiRequest request, Uri baseUri, Exception inner) =>
        new(
            ErrorIds.ApiUnreachable,
            ErrorKind.ConnectionError,
            $"{request.Method.Method} {request.Path}: no answer from {baseUri.Authority} ({inner.GetBaseException().Message}). Check the domain and the network; the change may or may not have happened.",
            request.Method.Method,
            request.Path,
            null,
            null,
            null,
            request.Target ?? request.Path,
            inner);

    public static ApiException Timeout(ApiRequest request, TimeSpan timeout, Exception inner) =>
        new(
            ErrorIds.ApiTimeout,
            ErrorKind.ConnectionError,
            $"{request.Method.Method} {request.Path}: no answer within {timeout.TotalSeconds.ToString(CultureInfo.InvariantCulture)} s. The change may or may not have happened; read the state again.",
            request.Method.Method,
            request.Path,
            null,
            null,
            null,
            request.Target ?? request.Path,
            inner);

    /// <summary>A 2xx answer whose body is not what the API documents.</summary>
    public static ApiException InvalidResponse(string method, string path, int statusCode, string detail, object? target, Exception? inner = null) =>
        new(
            ErrorIds.ApiResponseInvalid,
            ErrorKind.InvalidData,
            $"{method} {path}: the answer (HTTP {statusCode.ToString(CultureInfo.InvariantCulture)}) could not be read: {detail}.",
            method,
            path,
            statusCode,
            null,
            null,
            target ?? path,
            inner);

    private static ApiException Make(string errorId, ErrorKind kind, string message, ApiRequest request, ApiError error, object? target, Exception? inner) =>
        new(errorId, kind, EndSentence(message), request.Method.Method, request.Path, error.StatusCode, error.ErrorCode, error.Message, target, inner);

    private static string ProviderSuffix(ApiError error)
    {
        if (error.Message is null && error.ErrorCode is null)
        {
            return string.Empty;
        }

        return error.ErrorCode is null
            ? $": {error.Message}"
            : error.Message is null ? $" ({error.ErrorCode})" : $": {error.Message} ({error.ErrorCode})";
    }

    private static string EndSentence(string message) =>
        message.EndsWith(".", StringComparison.Ordinal) ? message : message + ".";

    private static string? Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out JsonElement value) && value.ValueKind == JsonValueKind.String ? value.GetString() : null;
}
