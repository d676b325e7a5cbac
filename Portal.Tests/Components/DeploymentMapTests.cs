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
