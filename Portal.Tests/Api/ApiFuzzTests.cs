using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Text;
using System.Text.Json;
using System.Text.Json.Nodes;
using Portal.Data.Organizations;
using Portal.Data.Skus;
using Portal.Tests.Infrastructure;
using Xunit.Abstractions;

namespace Portal.Tests.Api;

/// <summary>The portal the fuzz runs against: the real clock, so that an agent's long poll ends by itself.</summary>
public sealed class FuzzPortal : PortalFactory
{
    protected override bool UsesFakeTime => false;
}

/// <summary>
/// Issue 10: a bad-input probe driven by <c>/openapi/v1.json</c> found 500s. This test is that probe, in the project: it
/// walks every operation of the OpenAPI document (so a new endpoint is covered without new code) and sends it malformed
/// input — wrong types, huge and negative numbers, empty, 100 KB and control-character strings, unknown ids, JSON nested
/// 1000 deep, unknown fields, a missing or malformed body — as an anonymous caller, as a signed-in partner, as a
/// consortium admin and, on the agent protocol, as an agent. Any 5xx (or no answer) fails it, listing every operation and
/// input that gave one; so does a portal that is not healthy afterwards. Inputs come from a fixed seed.
/// </summary>
public sealed class ApiFuzzTests(FuzzPortal portal, ITestOutputHelper log) : IClassFixture<FuzzPortal>
{
    private const int Seed = 1010;
    private const int MaxQueryProbesPerParameter = 4;
    private const int MaxBodyFieldProbes = 16;
    private static readonly TimeSpan Patience = TimeSpan.FromSeconds(45);
    private static readonly string Long = new('x', 100 * 1024);
    private const string DeepMarker = "__nested_1000_deep__";

    /// <summary>Operations left out, each with why. Every other operation of the document is probed.</summary>
    private static readonly Dictionary<string, string> Excluded = new()
    {
    };

    private sealed record Operation(string Method, string Template, JsonElement Definition)
    {
        public bool IsAgentProtocol => Template.StartsWith("/api/v1/agent/", StringComparison.Ordinal);
        public string Key => $"{Method.ToUpperInvariant()} {Template}";
    }

    /// <summary>One request; its body is made anew for each send (a content is spent once sent).</summary>
    private sealed record Probe(string Label, string Url, Body? Body);

    private sealed record Body(string Text, string ContentType)
    {
        public HttpContent Content() => new StringContent(Text, Encoding.UTF8, ContentType);
    }

    [Fact]
    public async Task No_operation_answers_a_5xx_to_malformed_input_and_the_portal_stays_healthy()
    {
        var clock = Stopwatch.StartNew();
        var admin = portal.CreateBootstrapClient();
        using var document = JsonDocument.Parse(await admin.GetStringAsync("/openapi/v1.json"));
        var identities = await IdentitiesAsync();
        var operations = Operations(document.RootElement).ToList();
        Assert.True(operations.Count >= 40, $"only {operations.Count} operations in the OpenAPI document");
        var known = new KnownIds(admin);

        var findings = new ConcurrentBag<string>();
        var sent = 0;
        var random = new Random(Seed);
        var work = new List<(Operation Operation, string Identity, HttpClient Client, Probe Probe)>();
        foreach (var operation in operations)
        {
            if (Excluded.ContainsKey(operation.Key))
                continue;
            var probes = await ProbesAsync(operation, document.RootElement, known, random);
            // Every probe as the partner (or the agent), every second as a consortium admin (who gets past the ownership checks),
            // every eighth anonymously (authentication answers first).
            var signedIn = operation.IsAgentProtocol ? "agent" : "partner";
            work.AddRange(probes.Select(p => (operation, signedIn, identities[signedIn], p)));
            if (!operation.IsAgentProtocol)
                work.AddRange(probes.Where((_, i) => i % 2 == 0).Select(p => (operation, "admin", identities["admin"], p)));
            work.AddRange(probes.Where((_, i) => i % 8 == 0).Select(p => (operation, "anonymous", identities["anonymous"], p)));
        }

        await Parallel.ForEachAsync(work, new ParallelOptions { MaxDegreeOfParallelism = 4 }, async (item, _) =>
        {
            Interlocked.Increment(ref sent);
            var finding = await SendAsync(item.Client, item.Operation, item.Probe);
            if (finding is not null)
                findings.Add($"{item.Operation.Key} as {item.Identity}, {item.Probe.Label}: {finding}");
        });

        log.WriteLine($"{sent} probes of {operations.Count} operations in {clock.Elapsed.TotalSeconds:0.0} s; excluded: {Excluded.Count}");
        Assert.True(findings.IsEmpty, $"{findings.Count} of {sent} probes got a 5xx or no answer:\n" + string.Join("\n", findings.Order(StringComparer.Ordinal)));

        using var health = await portal.CreateAnonymousClient().GetAsync("/health");
        Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        using var list = await portal.CreateBootstrapClient().GetAsync("/api/v1/organizations");
        Assert.Equal(HttpStatusCode.OK, list.StatusCode);
    }

    private async Task<Dictionary<string, HttpClient>> IdentitiesAsync()
    {
        var partnerId = await portal.AddOrganizationAsync("Fuzz Chips", OrganizationKind.ChipDesigner);
        await portal.AddAllianceAsync("Fuzz Alliance");
        await portal.AddSkuAsync(partnerId, "Fuzz X1");
        await portal.AddDeploymentAsync("Fuzz Datacenter");
        await portal.AddVectorAddTestAsync(organizationId: partnerId);
        var partner = await portal.CreateUserAsync("Fuzz partner", false, (partnerId, MemberRole.Admin));
        var (agent, _) = await portal.RegisterAgentAsync(await portal.CreateRegistrationTokenAsync(partnerId), "fuzz agent",
            devices: AgentFixtures.PoclCpu);
        return new Dictionary<string, HttpClient>
        {
            ["anonymous"] = portal.CreateAnonymousClient(),
            ["partner"] = await portal.CreateClientForAsync(partner),
            ["admin"] = portal.CreateBootstrapClient(),
            ["agent"] = agent,
        };
    }

    private static IEnumerable<Operation> Operations(JsonElement document)
    {
        foreach (var path in document.GetProperty("paths").EnumerateObject())
        {
            foreach (var method in path.Value.EnumerateObject())
            {
                if (method.Name is "get" or "put" or "post" or "delete" or "patch")
                    yield return new Operation(method.Name, path.Name, method.Value);
            }
        }
    }

    private static async Task<string?> SendAsync(HttpClient client, Operation operation, Probe probe)
    {
        using var request = new HttpRequestMessage(new HttpMethod(operation.Method.ToUpperInvariant()), probe.Url) { Content = probe.Body?.Content() };
        using var limit = new CancellationTokenSource(Patience);
        try
        {
            using var response = await client.SendAsync(request, limit.Token);
            if ((int)response.StatusCode < 500)
                return null;
            var body = await response.Content.ReadAsStringAsync(CancellationToken.None);
            return $"{(int)response.StatusCode} {body[..Math.Min(body.Length, 300)]}";
        }
        catch (OperationCanceledException) when (limit.IsCancellationRequested)
        {
            return $"no answer within {Patience.TotalSeconds:0} s";
        }
        catch (HttpRequestException e)
        {
            return $"the request failed: {e.Message}";
        }
    }

    // ---- probes -------------------------------------------------------------------------------------------------------

    private static async Task<List<Probe>> ProbesAsync(Operation operation, JsonElement document, KnownIds known, Random random)
    {
        var parameters = Parameters(operation.Definition).ToList();
        var pathParameters = parameters.Where(p => p.In == "path").ToList();
        // Real ids reach further than made-up ones; a DELETE gets made-up ones, so that the fuzz keeps what it probes with.
        var ids = new Dictionary<string, string>();
        foreach (var p in pathParameters)
        {
            ids[p.Name] = operation.Method == "delete"
                ? RandomGuid(random).ToString()
                : await known.FirstIdAsync(Fill(operation.Template[..operation.Template.IndexOf("{" + p.Name + "}", StringComparison.Ordinal)], ids))
                  ?? RandomGuid(random).ToString();
        }
        var url = Fill(operation.Template, ids);
        var probes = new List<Probe>();
        var body = RequestSchema(operation.Definition, document);
        string? valid = body is { } schema ? Sample(schema, document, random, 0)?.ToJsonString() : null;
        Body? Valid() => valid is null ? null : Json(valid);

        probes.Add(new Probe("as documented", url, Valid()));
        foreach (var p in pathParameters)
        {
            foreach (var (label, value) in new[] { ("an unknown id", RandomGuid(random).ToString()), ("a path value that is no id", "not-an-id"),
                         ("a negative path value", "-1"), ("a 4 KB path value", new string('9', 4096)) })
                probes.Add(new Probe($"{p.Name}: {label}", Fill(operation.Template, new Dictionary<string, string>(ids) { [p.Name] = value }), Valid()));
        }
        foreach (var p in parameters.Where(p => p.In == "query"))
        {
            var values = QueryValues(p.Schema, document, random).ToList();
            foreach (var (label, value) in values.Take(1).Concat(values.Skip(1).OrderBy(_ => random.Next()).Take(MaxQueryProbesPerParameter - 1)))
                probes.Add(new Probe($"{p.Name}={label}", $"{url}?{Uri.EscapeDataString(p.Name)}={Uri.EscapeDataString(value)}", Valid()));
        }
        if (body is null)
        {
            // An operation without a documented body may still be sent one.
            probes.Add(new Probe("an unexpected JSON body", url, Json("""{"unexpected":true}""")));
            return probes;
        }
        probes.Add(new Probe("no body", url, null));
        probes.Add(new Probe("an empty JSON body", url, Json("")));
        probes.Add(new Probe("a JSON null body", url, Json("null")));
        probes.Add(new Probe("a JSON array body", url, Json("[]")));
        probes.Add(new Probe("a JSON number body", url, Json("42")));
        probes.Add(new Probe("malformed JSON", url, Json("{\"a\": ")));
        probes.Add(new Probe("a text/plain body", url, new Body(valid ?? "x", "text/plain")));
        probes.Add(new Probe("JSON nested 1000 deep", url, Json(new string('[', 1000) + new string(']', 1000))));
        if (valid is not null && JsonNode.Parse(valid) is JsonObject root)
        {
            var unknown = root.DeepClone().AsObject();
            unknown["zzUnknownField"] = new JsonObject { ["nested"] = 1 };
            probes.Add(new Probe("an unknown field", url, Json(unknown.ToJsonString())));
            var fieldProbes = new List<Probe>();
            foreach (var (path, node) in Leaves(root, "", 0))
            {
                foreach (var (label, replacement) in Mutations(node, random))
                {
                    var mutated = root.DeepClone();
                    Replace(mutated, path, replacement);
                    fieldProbes.Add(new Probe($"{path}: {label}", url, Json(mutated.ToJsonString())));
                }
                var deep = root.DeepClone();
                Replace(deep, path, JsonValue.Create(DeepMarker));
                var nested = deep.ToJsonString().Replace($"\"{DeepMarker}\"", new string('[', 1000) + new string(']', 1000), StringComparison.Ordinal);
                fieldProbes.Add(new Probe($"{path}: JSON nested 1000 deep", url, Json(nested)));
            }
            probes.AddRange(fieldProbes.OrderBy(_ => random.Next()).Take(MaxBodyFieldProbes));
        }
        return probes;
    }

    private static Body Json(string text) => new(text, "application/json");

    private static Guid RandomGuid(Random random)
    {
        var bytes = new byte[16];
        random.NextBytes(bytes);
        return new Guid(bytes);
    }

    private static string Fill(string template, IReadOnlyDictionary<string, string> values)
    {
        foreach (var (name, value) in values)
            template = template.Replace("{" + name + "}", Uri.EscapeDataString(value), StringComparison.Ordinal);
        return template;
    }

    private sealed record Parameter(string Name, string In, JsonElement Schema);

    private static IEnumerable<Parameter> Parameters(JsonElement operation) =>
        operation.TryGetProperty("parameters", out var list)
            ? list.EnumerateArray().Select(p => new Parameter(p.GetProperty("name").GetString()!, p.GetProperty("in").GetString()!,
                p.TryGetProperty("schema", out var s) ? s : default))
            : [];

    private static JsonElement? RequestSchema(JsonElement operation, JsonElement document)
    {
        if (!operation.TryGetProperty("requestBody", out var body))
            return null;
        if (body.TryGetProperty("$ref", out var reference))
            body = Resolve(reference.GetString()!, document);
        if (!body.TryGetProperty("content", out var content))
            return null;
        foreach (var type in content.EnumerateObject())
        {
            if (type.Name.Contains("json", StringComparison.Ordinal))
                return type.Value.TryGetProperty("schema", out var schema) ? schema : default(JsonElement);
        }
        return null;
    }

    private static JsonElement Resolve(string reference, JsonElement document)
    {
        var node = document;
        foreach (var part in reference.TrimStart('#', '/').Split('/'))
            node = node.GetProperty(part.Replace("~1", "/", StringComparison.Ordinal).Replace("~0", "~", StringComparison.Ordinal));
        return node;
    }

    /// <summary>The schema itself: references followed, and of a union (nullable, oneOf) the first branch that is not null.</summary>
    private static JsonElement Concrete(JsonElement schema, JsonElement document)
    {
        for (var i = 0; i < 10 && schema.ValueKind == JsonValueKind.Object; i++)
        {
            if (schema.TryGetProperty("$ref", out var reference))
                schema = Resolve(reference.GetString()!, document);
            else if (schema.TryGetProperty("oneOf", out var one) || schema.TryGetProperty("anyOf", out one) || schema.TryGetProperty("allOf", out one))
                schema = one.EnumerateArray().FirstOrDefault(b => TypeOf(b) != "null", one[0]);
            else
                break;
        }
        return schema;
    }

    private static string? TypeOf(JsonElement schema)
    {
        if (schema.ValueKind != JsonValueKind.Object || !schema.TryGetProperty("type", out var type))
            return schema.ValueKind == JsonValueKind.Object && schema.TryGetProperty("properties", out _) ? "object" : null;
        if (type.ValueKind == JsonValueKind.String)
            return type.GetString();
        var types = type.EnumerateArray().Select(t => t.GetString()).Where(t => t != "null").ToList();
        return types.FirstOrDefault(t => t != "string") ?? types.FirstOrDefault() ?? "null";
    }

    /// <summary>A value that the schema allows, as a client following the document would send.</summary>
    private static JsonNode? Sample(JsonElement schema, JsonElement document, Random random, int depth)
    {
        schema = Concrete(schema, document);
        if (schema.ValueKind != JsonValueKind.Object || depth > 5)
            return null;
        if (schema.TryGetProperty("enum", out var values) && values.GetArrayLength() > 0)
            return JsonNode.Parse(values[0].GetRawText());
        var format = schema.TryGetProperty("format", out var f) ? f.GetString() : null;
        switch (TypeOf(schema))
        {
            case "object":
                var result = new JsonObject();
                if (schema.TryGetProperty("properties", out var properties))
                {
                    foreach (var property in properties.EnumerateObject())
                        result[property.Name] = Sample(property.Value, document, random, depth + 1);
                }
                return result;
            case "array":
                var item = schema.TryGetProperty("items", out var items) ? Sample(items, document, random, depth + 1) : null;
                return item is null ? new JsonArray() : new JsonArray(item);
            case "integer":
                return 1;
            case "number":
                return 1.5;
            case "boolean":
                return true;
            case "string":
                return format switch
                {
                    "uuid" => RandomGuid(random).ToString(),
                    "date-time" => "2026-06-01T00:00:00Z",
                    "date" => "2026-06-01",
                    _ => "fuzz",
                };
            default:
                return null;
        }
    }

    /// <summary>Values for a query parameter: first a wrong type for it, then the rest of the malformed kinds.</summary>
    private static IEnumerable<(string Label, string Value)> QueryValues(JsonElement schema, JsonElement document, Random random)
    {
        var type = schema.ValueKind == JsonValueKind.Object ? TypeOf(Concrete(schema, document)) : null;
        yield return type == "string" ? ("a number where text is expected", "12345") : ("text where a number or id is expected", "abc");
        yield return ("a huge number", "99999999999999999999999");
        yield return ("int.MaxValue + 1", "2147483648");
        yield return ("a negative number", "-1");
        yield return ("an empty value", "");
        yield return ("a 100 KB value", Long);
        yield return ("control characters", "a\u0001b");
        yield return ("an unknown id", RandomGuid(random).ToString());
        yield return ("1e309", "1e309");
    }

    /// <summary>Every value in the body below the root, with its path, down to two levels.</summary>
    private static IEnumerable<(string Path, JsonNode? Node)> Leaves(JsonNode node, string path, int depth)
    {
        switch (node)
        {
            case JsonObject obj:
                foreach (var (name, child) in obj)
                {
                    var childPath = path.Length == 0 ? name : $"{path}.{name}";
                    yield return (childPath, child);
                    if (child is not null && depth < 1)
                    {
                        foreach (var leaf in Leaves(child, childPath, depth + 1))
                            yield return leaf;
                    }
                }
                break;
            case JsonArray array when array.Count > 0:
                yield return ($"{path}[0]", array[0]);
                break;
        }
    }

    private static IEnumerable<(string Label, JsonNode? Value)> Mutations(JsonNode? node, Random random)
    {
        var kind = node?.GetValueKind();
        yield return ("null", null);
        yield return kind switch
        {
            JsonValueKind.String => ("a number for text", JsonValue.Create(12345)),
            JsonValueKind.Number => ("text for a number", JsonValue.Create("abc")),
            JsonValueKind.Array => ("text for a list", JsonValue.Create("x")),
            JsonValueKind.Object => ("a number for an object", JsonValue.Create(7)),
            _ => ("text for a boolean", JsonValue.Create("yes")),
        };
        yield return ("an object", new JsonObject { ["a"] = 1 });
        if (kind == JsonValueKind.Number)
        {
            yield return ("a huge number", JsonNode.Parse("1e308"));
            yield return ("a huge integer", JsonNode.Parse("99999999999999999999999"));
            yield return ("a negative number", JsonValue.Create(-1));
            yield return ("int.MaxValue", JsonValue.Create(int.MaxValue));
            yield return ("a fraction", JsonValue.Create(0.5));
        }
        if (kind == JsonValueKind.String)
        {
            yield return ("an empty string", JsonValue.Create(""));
            yield return ("a 100 KB string", JsonValue.Create(Long));
            yield return ("control characters", JsonValue.Create("a\u0000b\u0007"));
            yield return ("an unknown id", JsonValue.Create(RandomGuid(random).ToString()));
            yield return ("a huge number as text", JsonValue.Create("99999999999999999999999"));
        }
        if (kind == JsonValueKind.Array)
            yield return ("10,000 items", new JsonArray(Enumerable.Range(0, 10_000).Select(i => (JsonNode?)JsonValue.Create(i)).ToArray()));
    }

    private static void Replace(JsonNode root, string path, JsonNode? value)
    {
        var steps = path.Split('.');
        var node = root;
        for (var i = 0; i < steps.Length; i++)
        {
            var step = steps[i];
            var index = step.EndsWith("[0]", StringComparison.Ordinal);
            var name = index ? step[..^3] : step;
            var last = i == steps.Length - 1;
            if (last && !index)
            {
                node.AsObject()[name] = value;
                return;
            }
            node = node.AsObject()[name]!;
            if (index)
            {
                if (last)
                {
                    node.AsArray()[0] = value;
                    return;
                }
                node = node.AsArray()[0]!;
            }
        }
    }

    /// <summary>Ids of records that exist, read from the list a path parameter's prefix names (e.g. /api/v1/skus for /api/v1/skus/{id}).</summary>
    private sealed class KnownIds(HttpClient client)
    {
        private readonly Dictionary<string, string?> _first = [];

        public async Task<string?> FirstIdAsync(string listUrl)
        {
            listUrl = listUrl.TrimEnd('/');
            if (_first.TryGetValue(listUrl, out var id))
                return id;
            id = null;
            using var response = await client.GetAsync(listUrl);
            if (response.StatusCode == HttpStatusCode.OK && response.Content.Headers.ContentType?.MediaType == "application/json")
            {
                using var body = JsonDocument.Parse(await response.Content.ReadAsStringAsync());
                var items = body.RootElement.ValueKind == JsonValueKind.Array ? body.RootElement
                    : body.RootElement.ValueKind == JsonValueKind.Object && body.RootElement.TryGetProperty("items", out var i) ? i : default;
                if (items.ValueKind == JsonValueKind.Array)
                {
                    id = items.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object)
                        .Select(e => e.TryGetProperty("id", out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null)
                        .FirstOrDefault(v => v is not null);
                }
            }
            _first[listUrl] = id;
            return id;
        }
    }
}
