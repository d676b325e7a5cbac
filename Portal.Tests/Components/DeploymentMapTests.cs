using System.Globalization;
using Bunit;
using Microsoft.Extensions.DependencyInjection;
using MudBlazor.Services;
using Portal.Api.Deployments;
using Portal.Components.Deployments;
using Portal.Data.Deployments;

namespace Portal.Tests.Components;

/// <summary>The offline map: markers placed with the outline's projection, linked to their deployment, and the Korea zoom.</summary>
public sealed class DeploymentMapTests : BunitContext, IAsyncLifetime
{
    private static readonly DeploymentSite Pohang = new(Guid.NewGuid(), "Stargate Korea - Pohang", "KR", DeploymentStatus.Planned, 36.0, 129.6, 20);
    private static readonly DeploymentSite AbuDhabi = new(Guid.NewGuid(), "Stargate UAE", "AE", DeploymentStatus.Operational, 24.45, 54.0, 1000);

    public DeploymentMapTests()
    {
        Services.AddMudServices();
        Services.AddLocalization();
        JSInterop.Mode = JSRuntimeMode.Loose;
    }

    public Task InitializeAsync() => Task.CompletedTask;

    Task IAsyncLifetime.DisposeAsync() => DisposeAsync().AsTask();

    [Fact]
    public void Markers_sit_where_the_equirectangular_projection_puts_them()
    {
        var map = Render<DeploymentMap>(p => p.Add(m => m.Sites, [Pohang, AbuDhabi]));

        var markers = map.FindAll("[data-testid=map-marker]");
        Assert.Equal(2, markers.Count);
        var pohang = markers[0].QuerySelector("circle")!;
        // x = (129.6 + 180) / 360 · 1000 = 860; y = (90 − 36) / 180 · 500 = 150.
        Assert.Equal((860.0, 150.0), (Parse(pohang.GetAttribute("cx")), Parse(pohang.GetAttribute("cy"))));
        Assert.Equal(DeploymentLabels.StatusColor(DeploymentStatus.Planned), pohang.GetAttribute("fill"));
        Assert.Equal($"deployments/{Pohang.Id}", markers[0].GetAttribute("href"));
        Assert.Contains("Stargate Korea - Pohang", markers[0].QuerySelector("title")!.TextContent, StringComparison.Ordinal);
        Assert.Equal("0 0 1000 500", map.Find("svg[role=img]").GetAttribute("viewBox"));
    }

    [Fact]
    public void Sites_that_share_a_place_fan_out_around_it_each_labelled_and_none_hidden()
    {
        var campus = Pohang with { Id = Guid.NewGuid(), Name = "Stargate Korea - Pohang phase 2" };
        var map = Render<DeploymentMap>(p => p.Add(m => m.Sites, [Pohang, campus, AbuDhabi]));

        var shared = map.FindAll("[data-testid=map-marker][data-shared=true]");
        Assert.Equal(2, shared.Count);
        var circles = shared.Select(m => m.QuerySelector("circle")!).ToList();
        var points = circles.Select(c => (X: Parse(c.GetAttribute("cx")), Y: Parse(c.GetAttribute("cy")))).ToList();
        var radius = Parse(circles[0].GetAttribute("r"));
        // Apart by more than a marker's width, so neither covers the other; both near the place (860, 150).
        Assert.True(Math.Sqrt(Math.Pow(points[0].X - points[1].X, 2) + Math.Pow(points[0].Y - points[1].Y, 2)) > 2 * radius);
        Assert.All(points, p => Assert.True(Math.Abs(p.X - 860) < 10 * radius && Math.Abs(p.Y - 150) < 10 * radius));
        Assert.Equal([Pohang.Name, campus.Name], shared.Select(m => m.QuerySelector("[data-testid=map-label]")!.TextContent));
        Assert.Equal(2, map.FindAll("svg[role=img] line").Count);
        // A site alone at its place keeps its exact spot and no label (the world map stays readable).
        var alone = Assert.Single(map.FindAll("[data-testid=map-marker][data-shared=false]"));
        Assert.Null(alone.QuerySelector("[data-testid=map-label]"));
    }

    [Fact]
    public void A_deployments_own_map_labels_its_one_site_and_can_open_on_korea()
    {
        var map = Render<DeploymentMap>(p => p.Add(m => m.Sites, [Pohang]).Add(m => m.StartInKorea, true));

        Assert.Equal(Pohang.Name, map.Find("[data-testid=map-label]").TextContent);
        Assert.Equal("korea", map.Find("svg[role=img]").GetAttribute("data-view"));
    }

    [Fact]
    public void The_korea_zoom_frames_124_to_131_east_and_33_to_39_north()
    {
        var map = Render<DeploymentMap>(p => p.Add(m => m.Sites, [Pohang, AbuDhabi]));

        map.Find("[data-testid=map-korea]").Click();

        var box = map.Find("svg[role=img]").GetAttribute("viewBox")!.Split(' ').Select(Parse).ToArray();
        Assert.Equal(MapFrame.X(124), box[0], 3);
        Assert.Equal(MapFrame.Y(39), box[1], 3);
        Assert.Equal(MapFrame.X(131) - MapFrame.X(124), box[2], 3);
        Assert.Equal(MapFrame.Y(33) - MapFrame.Y(39), box[3], 3);
        Assert.Equal("maps/korea.svg", map.Find("svg[role=img] image").GetAttribute("href"));
    }

    [Fact]
    public void Coordinates_are_invariant_whatever_the_culture()
    {
        var previous = CultureInfo.CurrentCulture;
        try
        {
            CultureInfo.CurrentCulture = new CultureInfo("de");
            var map = Render<DeploymentMap>(p => p.Add(m => m.Sites, [AbuDhabi]));

            Assert.Contains(".", map.Find("circle").GetAttribute("cy"), StringComparison.Ordinal);
        }
        finally
        {
            CultureInfo.CurrentCulture = previous;
        }
    }

    private static double Parse(string? text) => double.Parse(text!, CultureInfo.InvariantCulture);
}
