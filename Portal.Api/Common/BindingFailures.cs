using System.Collections;
using System.Reflection;
using System.Text.Json;
using System.Text.Json.Serialization;
using System.Text.RegularExpressions;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Http.Metadata;
using Microsoft.AspNetCore.Routing;

namespace Portal.Api.Common;

/// <summary>
/// A request the endpoint cannot bind (<c>page=abc</c>, <c>alliance=not-a-guid</c>, an unknown enum value, malformed JSON,
/// a JSON field of the wrong type, a missing body) is answered with the same localised 400 validation problem as every
/// other invalid field, keyed by the field the client sent. The framework's own answer is an empty 400; with
/// <see cref="RouteHandlerOptions.ThrowOnBadRequest"/> on it throws instead, and this middleware, after localisation
/// (so that the message speaks the request's language) and routing (so that the handler's parameters are known), answers.
/// </summary>
public static partial class BindingFailures
{
    public static IApplicationBuilder UseBindingFailureProblems(this IApplicationBuilder app) =>
        app.Use(async (context, next) =>
        {
            try
            {
                await next(context);
            }
            // A 400 the framework answers before the handler runs (413 is the body caps' to answer).
            catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status400BadRequest && !context.Response.HasStarted
                                                     && context.GetEndpoint()?.Metadata.GetMetadata<MethodInfo>() is not null)
            {
                await Problem(context, e).ExecuteAsync(context);
            }
        });

    private static IResult Problem(HttpContext context, BadHttpRequestException e)
    {
        var (field, message) = Describe(context, e);
        return TypedResults.ValidationProblem(new Dictionary<string, string[]> { [field] = [message] },
            detail: message, title: Localized<SharedText>.Get("InvalidFieldsTitle"));
    }

    private static (string Field, string Message) Describe(HttpContext context, BadHttpRequestException e)
    {
        var endpoint = context.GetEndpoint()!;
        var handler = endpoint.Metadata.GetMetadata<MethodInfo>()!;
        if (e.InnerException is JsonException json)
            return DescribeJson(endpoint.Metadata.GetMetadata<IAcceptsMetadata>()?.RequestType, json);

        var failed = FailedToBind().Match(e.Message);
        if (failed.Success)
        {
            var name = failed.Groups["name"].Value;
            var field = FieldSent(context.Request, name);
            return (field, Localized<SharedText>.Format("NotAValue", field, Shortened(failed.Groups["value"].Value), Expected(ParameterType(handler, name))));
        }
        var required = RequiredMissing().Match(e.Message);
        if (required.Success && required.Groups["source"].Value != "body")
        {
            var field = Camel(required.Groups["name"].Value);
            return (field, Localized<SharedText>.Format("Required", field));
        }
        // A body that was required and not sent, or could not be read as the handler's input.
        if (required.Success || BodyUnread().IsMatch(e.Message))
            return ("body", Localized<SharedText>.Get("BodyRequired"));
        // Anything else the framework refuses (an antiforgery check of a form, say) is about the request as a whole.
        return ("request", Localized<SharedText>.Get("RequestUnreadable"));
    }

    /// <summary>A value quoted back, cut short: it may be 100 KB long.</summary>
    private static string Shortened(string value) => value.Length <= 64 ? value : value[..64] + "…";

    private static (string Field, string Message) DescribeJson(Type? body, JsonException json)
    {
        var path = JsonPathField(json.Path);
        // The reader's own exception inside means the text is not JSON at all (or nests deeper than allowed).
        if (json.InnerException is JsonException || json.Path is null)
            return (path ?? "body", Localized<SharedText>.Format("MalformedJson", (json.LineNumber ?? 0) + 1, (json.BytePositionInLine ?? 0) + 1));
        var field = path ?? "body";
        return (field, Localized<SharedText>.Format("WrongJsonType", field, Expected(JsonFieldType(body, json.Path))));
    }

    /// <summary>"$.cases[0].n" as the field paths of our other problems name it: "cases[0].n"; null for the root.</summary>
    private static string? JsonPathField(string? path)
    {
        if (string.IsNullOrEmpty(path) || path == "$")
            return null;
        var field = path.StartsWith("$.", StringComparison.Ordinal) ? path[2..] : path.TrimStart('$');
        return field.Length == 0 ? null : field;
    }

    /// <summary>The query key or route value as the client spelled it; the parameter's name in camelCase when it sent neither.</summary>
    private static string FieldSent(HttpRequest request, string name)
    {
        foreach (var key in request.Query.Keys)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                return key;
        }
        foreach (var key in request.RouteValues.Keys)
        {
            if (string.Equals(key, name, StringComparison.OrdinalIgnoreCase))
                return key;
        }
        return Camel(name);
    }

    private static string Camel(string name) => name.Length == 0 ? name : char.ToLowerInvariant(name[0]) + name[1..];

    /// <summary>The type of the handler's parameter (or of a property of an [AsParameters] record) of that name.</summary>
    private static Type? ParameterType(MethodInfo handler, string name)
    {
        foreach (var parameter in handler.GetParameters())
        {
            if (string.Equals(parameter.Name, name, StringComparison.OrdinalIgnoreCase))
                return parameter.ParameterType;
            if (parameter.GetCustomAttribute<AsParametersAttribute>() is null)
                continue;
            var property = parameter.ParameterType.GetProperty(name, BindingFlags.Public | BindingFlags.Instance | BindingFlags.IgnoreCase);
            if (property is not null)
                return property.PropertyType;
        }
        return null;
    }

    /// <summary>The type a JSON path leads to inside the body's type, as far as it can be followed.</summary>
    private static Type? JsonFieldType(Type? type, string path)
    {
        foreach (Match step in JsonPathStep().Matches(path))
        {
            if (type is null)
                return null;
            if (step.Groups["index"].Success)
            {
                type = ElementType(type);
                continue;
            }
            var name = step.Groups["name"].Value;
            var valueType = DictionaryValueType(type);
            if (valueType is not null)
            {
                type = valueType;
                continue;
            }
            type = type.GetProperties(BindingFlags.Public | BindingFlags.Instance)
                .FirstOrDefault(p => string.Equals(p.GetCustomAttribute<JsonPropertyNameAttribute>()?.Name ?? p.Name, name, StringComparison.OrdinalIgnoreCase))
                ?.PropertyType;
        }
        return type;
    }

    private static Type? ElementType(Type type) =>
        type.IsArray ? type.GetElementType()
        : type.GetInterfaces().Append(type).FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IEnumerable<>))?.GetGenericArguments()[0];

    private static Type? DictionaryValueType(Type type) =>
        type.GetInterfaces().Append(type)
            .FirstOrDefault(i => i.IsGenericType && i.GetGenericTypeDefinition() == typeof(IReadOnlyDictionary<,>))?.GetGenericArguments()[1];

    /// <summary>What a value of this type looks like, in words.</summary>
    private static string Expected(Type? type)
    {
        type = type is null ? null : Nullable.GetUnderlyingType(type) ?? type;
        if (type is null)
            return Localized<SharedText>.Get("ExpectedValue");
        if (type.IsEnum)
            return Localized<SharedText>.Format("ExpectedOneOf", string.Join(", ", Enum.GetNames(type).Select(JsonNamingPolicy.SnakeCaseLower.ConvertName)));
        if (type == typeof(Guid))
            return Localized<SharedText>.Get("ExpectedGuid");
        if (type == typeof(bool))
            return Localized<SharedText>.Get("ExpectedBoolean");
        if (type == typeof(int) || type == typeof(long) || type == typeof(short) || type == typeof(uint) || type == typeof(ulong) || type == typeof(byte))
            return Localized<SharedText>.Format("ExpectedWholeNumber", MinOf(type), MaxOf(type));
        if (type == typeof(double) || type == typeof(float) || type == typeof(decimal))
            return Localized<SharedText>.Get("ExpectedNumber");
        if (type == typeof(DateTimeOffset) || type == typeof(DateTime) || type == typeof(DateOnly))
            return Localized<SharedText>.Get("ExpectedDate");
        if (type == typeof(string))
            return Localized<SharedText>.Get("ExpectedText");
        if (type != typeof(string) && typeof(IEnumerable).IsAssignableFrom(type))
            return Localized<SharedText>.Get("ExpectedList");
        return Localized<SharedText>.Get("ExpectedObject");
    }

    private static object MinOf(Type type) => type.GetField("MinValue")!.GetValue(null)!;
    private static object MaxOf(Type type) => type.GetField("MaxValue")!.GetValue(null)!;

    // The framework's messages (RequestDelegateFactory), which are not localised: only the parameter's name and the value are taken.
    [GeneratedRegex("""^Failed to bind parameter "(?<type>.+) (?<name>[^ "]+)" from "(?<value>.*)"\.$""", RegexOptions.Singleline)]
    private static partial Regex FailedToBind();

    [GeneratedRegex("""^Required parameter "(?<type>.+) (?<name>[^ "]+)" was not provided from (?<source>[^.]+)\.$""", RegexOptions.Singleline)]
    private static partial Regex RequiredMissing();

    [GeneratedRegex("""^(Implicit body inferred for parameter|Failed to read parameter ".+" from the request body)""", RegexOptions.Singleline)]
    private static partial Regex BodyUnread();

    [GeneratedRegex("""\.(?<name>[^.\[]+)|\['(?<name>[^']*)'\]|\[(?<index>\d+)\]""")]
    private static partial Regex JsonPathStep();
}
