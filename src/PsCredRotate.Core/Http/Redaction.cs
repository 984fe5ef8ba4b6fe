using System;
using System.Collections.Generic;
using System.Text;
using System.Text.RegularExpressions;

namespace PsCredRotate.Core.Http;

/// <summary>
/// Removes secrets from request and response text before it is logged: the values of sensitive
/// JSON members and form fields (client_secret, client_assertion, access_token, …) and the
/// Authorization header. What remains is safe for the Debug stream.
/// </summary>
public static class Redaction
{
    /// <summary>What a removed value is replaced with.</summary>
    public const string Mask = "[redacted]";

    /// <summary>Names whose values never appear in a log (JSON members, form fields, headers).</summary>
    public static IReadOnlyCollection<string> SensitiveNames => Names;

    private static readonly HashSet<string> Names = new(StringComparer.OrdinalIgnoreCase)
    {
        "client_secret",
        "secret", // a Dfns webhook's secret, in the answer to POST /webhooks
        "registration_access_token",
        "client_assertion",
        "access_token",
        "id_token",
        "refresh_token",
        "password",
        "private_key",
        "authorization",
        "proxy-authorization",
        "cookie",
        "set-cookie",
        "signing_key",
        "encryption_key",
        "pkcs",
        "d",
        "p",
        "q",
        "dp",
        "dq",
        "qi",
        "x-dfns-useraction",
        "userAction",
        "accessToken",
    };

    // A JSON member "name": scalar value. Nested objects and arrays are not matched as values, so
    // the scan goes on inside them and their sensitive members are found too.
    private static readonly Regex JsonMember = new(
        "\"(?<name>[^\"\\\\]{1,64})\"\\s*:\\s*(?<value>\"(?:[^\"\\\\]|\\\\.)*\"|-?[0-9][0-9.eE+-]*|true|false|null)",
        RegexOptions.CultureInvariant,
        TimeSpan.FromSeconds(1));

    /// <summary>True when a member, field or header of that name holds a secret.</summary>
    public static bool IsSensitive(string name) => name is not null && Names.Contains(name.Trim());

    /// <summary>The header's value as it may be logged.</summary>
    public static string Header(string name, string value) => IsSensitive(name) ? Mask : value;

    /// <summary>A JSON text with the values of sensitive members replaced by <see cref="Mask"/>.</summary>
    public static string Json(string? json)
    {
        if (string.IsNullOrEmpty(json))
        {
            return string.Empty;
        }

        try
        {
            return JsonMember.Replace(json, m => IsSensitive(m.Groups["name"].Value)
                ? "\"" + m.Groups["name"].Value + "\":\"" + Mask + "\""
                : m.Value);
        }
        catch (RegexMatchTimeoutException)
        {
            return Mask;
        }
    }

    /// <summary>An application/x-www-form-urlencoded body with sensitive field values replaced.</summary>
    public static string Form(string? form)
    {
        if (string.IsNullOrEmpty(form))
        {
            return string.Empty;
        }

        var builder = new StringBuilder(form!.Length);
        foreach (string pair in form.Split('&'))
        {
            if (builder.Length > 0)
            {
                builder.Append('&');
            }

            int equals = pair.IndexOf('=');
            string name = Uri.UnescapeDataString((equals < 0 ? pair : pair.Substring(0, equals)).Replace('+', ' '));
            builder.Append(equals >= 0 && IsSensitive(name) ? pair.Substring(0, equals + 1) + Mask : pair);
        }

        return builder.ToString();
    }

    /// <summary>A body of the given media type, redacted; bodies of other types are summarized by length.</summary>
    public static string Body(string? mediaType, string? body)
    {
        if (string.IsNullOrEmpty(body))
        {
            return string.Empty;
        }

        if (mediaType is not null && mediaType.IndexOf("json", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return Json(body);
        }

        if (mediaType is not null && mediaType.IndexOf("x-www-form-urlencoded", StringComparison.OrdinalIgnoreCase) >= 0)
        {
            return Form(body);
        }

        return $"({body!.Length} characters of {mediaType ?? "unknown type"})";
    }
}
