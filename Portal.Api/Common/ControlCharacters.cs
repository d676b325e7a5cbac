using System.Text.Json;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;

namespace Portal.Api.Common;

/// <summary>
/// The input rule for text: no NUL or other control characters. PostgreSQL cannot store NUL in text or jsonb (it refuses
/// the parameter with 22021), and no field of ours means anything by the others. Tab, CR and LF stay allowed in body text
/// (multi-line notes, descriptions, kernel source), not in query or route values.
/// </summary>
public static class ControlCharacters
{
    /// <summary>Any control character at all: for query and route values, which are one line.</summary>
    public static bool InValue(string text) => text.Any(char.IsControl);

    /// <summary>A control character other than tab, CR and LF: for body text and form fields.</summary>
    public static bool InText(string text)
    {
        foreach (var c in text)
        {
            if (char.IsControl(c) && c is not ('\t' or '\r' or '\n'))
                return true;
        }
        return false;
    }

    /// <summary>The text without control characters (tab, CR, LF kept): for what is only searched with, never stored.</summary>
    public static string Strip(string text) => InText(text) ? string.Concat(text.Where(c => !char.IsControl(c) || c is '\t' or '\r' or '\n')) : text;

    /// <summary>
    /// Refuses, for every endpoint and page, a request whose query values, route values, JSON body strings (values and
    /// property names) or form fields hold a control character, with a 400 validation problem naming the field — before
    /// any of it reaches a service or the database. Runs after routing (route values are known) and localisation.
    /// </summary>
    public static IApplicationBuilder UseControlCharacterRefusal(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            var field = InQuery(context.Request) ?? InRoute(context.Request) ?? await InBodyAsync(context.Request);
            if (field is null)
            {
                await next(context);
                return;
            }
            var message = Localized<SharedText>.Format("ControlCharacter", field);
            await TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
                detail: message, title: Localized<SharedText>.Get("InvalidFieldsTitle")).ExecuteAsync(context);
        });

    private static string? InQuery(HttpRequest request)
    {
        if (!request.QueryString.HasValue)
            return null;
        foreach (var (key, values) in request.Query)
        {
            if (InValue(key))
                return FieldName(key);
            if (values.Any(v => v is not null && InValue(v)))
                return key;
        }
        return null;
    }

    private static string? InRoute(HttpRequest request)
    {
        foreach (var (key, value) in request.RouteValues)
        {
            if (value is string text && InValue(text))
                return key;
        }
        return null;
    }

    private static async Task<string?> InBodyAsync(HttpRequest request)
    {
        // Blazor's circuit (SignalR) frames its own messages, with a control character as the record separator.
        if (request.Path.StartsWithSegments("/_blazor"))
            return null;
        if (request.HasJsonContentType())
        {
            // Read once here and handed on as a fresh stream, so that binding reads exactly what was checked.
            var body = new MemoryStream();
            await request.Body.CopyToAsync(body, request.HttpContext.RequestAborted);
            body.Position = 0;
            request.Body = body;
            return InJson(body.GetBuffer().AsSpan(0, (int)body.Length));
        }
        if (request.HasFormContentType)
        {
            IFormCollection form;
            try
            {
                form = await request.ReadFormAsync(request.HttpContext.RequestAborted);
            }
            catch (InvalidDataException)
            {
                // The form reader itself refuses a NUL in a field ("The form value contains invalid characters").
                return "form";
            }
            foreach (var (key, values) in form)
            {
                if (InText(key))
                    return FieldName(key);
                if (values.Any(v => v is not null && InText(v)))
                    return key;
            }
        }
        return null;
    }

    /// <summary>The path of the first string (value or property name) with a control character, e.g. <c>spec.cases[2].name</c>; null when none, or when the JSON is malformed (binding answers that).</summary>
    public static string? InJson(ReadOnlySpan<byte> json)
    {
        var reader = new Utf8JsonReader(json, new JsonReaderOptions { CommentHandling = JsonCommentHandling.Skip, AllowTrailingCommas = true });
        var path = new List<Step>();
        try
        {
            while (reader.Read())
            {
                switch (reader.TokenType)
                {
                    case JsonTokenType.StartObject or JsonTokenType.StartArray:
                        Advance(path);
                        path.Add(new Step(reader.TokenType == JsonTokenType.StartArray));
                        break;
                    case JsonTokenType.EndObject or JsonTokenType.EndArray:
                        path.RemoveAt(path.Count - 1);
                        break;
                    case JsonTokenType.PropertyName:
                        var name = reader.GetString()!;
                        path[^1].Name = name;
                        if (InText(name))
                            return Path(path, FieldName(name));
                        break;
                    case JsonTokenType.String:
                        Advance(path);
                        if (InText(reader.GetString()!))
                            return Path(path, null);
                        break;
                    default:
                        Advance(path);
                        break;
                }
            }
        }
        catch (JsonException)
        {
            return null;
        }
        catch (InvalidOperationException)
        {
            return null;
        }
        return null;
    }

    private sealed class Step(bool array)
    {
        public bool Array { get; } = array;
        public int Index { get; set; } = -1;
        public string? Name { get; set; }
    }

    private static void Advance(List<Step> path)
    {
        if (path.Count > 0 && path[^1].Array)
            path[^1].Index++;
    }

    private static string Path(List<Step> path, string? lastName)
    {
        var text = new System.Text.StringBuilder();
        for (var i = 0; i < path.Count; i++)
        {
            var step = path[i];
            var name = i == path.Count - 1 && lastName is not null ? lastName : step.Name;
            if (step.Array)
                text.Append('[').Append(step.Index).Append(']');
            else if (name is not null)
                text.Append(text.Length > 0 ? "." : "").Append(name);
        }
        return text.Length == 0 ? "body" : text.ToString();
    }

    /// <summary>A field name that itself holds control characters, made printable.</summary>
    private static string FieldName(string name) => Uri.EscapeDataString(name);
}
