using System.Globalization;
using System.Xml.Linq;

namespace Portal.Api.Subscriptions;

/// <summary>
/// Writes an <see cref="AtomFeed"/> as RFC 4287 XML: the feed's id, title, updated, author and self and alternate links; each
/// entry's id, title, updated and alternate link. Ids are tag URIs (RFC 4151) under the portal's host, stable across requests.
/// </summary>
public static class AtomWriter
{
    public const string ContentType = "application/atom+xml; charset=utf-8";
    public static readonly XNamespace Atom = "http://www.w3.org/2005/Atom";

    public static string Write(AtomFeed feed, Uri origin, string selfPath, string language)
    {
        var tag = $"tag:{origin.Host},2026:";
        XElement Link(string rel, string path, string? type = null) =>
            new(Atom + "link", new XAttribute("rel", rel), new XAttribute("href", new Uri(origin, path.TrimStart('/')).AbsoluteUri),
                type is null ? null : new XAttribute("type", type));
        var document = new XDocument(new XDeclaration("1.0", "utf-8", null),
            new XElement(Atom + "feed",
                new XAttribute(XNamespace.Xml + "lang", language),
                new XElement(Atom + "id", tag + feed.Id),
                new XElement(Atom + "title", feed.Title),
                new XElement(Atom + "updated", Time(feed.Updated)),
                new XElement(Atom + "author", new XElement(Atom + "name", "Consortium Portal")),
                Link("self", selfPath, "application/atom+xml"),
                Link("alternate", feed.PagePath, "text/html"),
                feed.Entries.Select(e => new XElement(Atom + "entry",
                    new XElement(Atom + "id", tag + e.Id),
                    new XElement(Atom + "title", e.Title),
                    new XElement(Atom + "updated", Time(e.Updated)),
                    Link("alternate", e.PagePath, "text/html"),
                    e.Summary is null ? null : new XElement(Atom + "summary", e.Summary)))));
        using var writer = new Utf8StringWriter();
        document.Save(writer);
        return writer.ToString();
    }

    private static string Time(DateTimeOffset at) => at.ToUniversalTime().ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    private sealed class Utf8StringWriter : StringWriter
    {
        public Utf8StringWriter() : base(CultureInfo.InvariantCulture)
        {
        }

        public override System.Text.Encoding Encoding => System.Text.Encoding.UTF8;
    }
}
