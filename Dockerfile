# The portal for Docker users (see compose.yaml). The runtime image has no PostgreSQL binaries:
# it always uses the server named by ConnectionStrings__Portal.
FROM mcr.microsoft.com/dotnet/sdk:10.0 AS build
WORKDIR /src
COPY Directory.Build.props Directory.Packages.props Portal.slnx ./
COPY Portal/Portal.csproj Portal/
COPY Portal.Api/Portal.Api.csproj Portal.Api/
COPY Portal.Data/Portal.Data.csproj Portal.Data/
COPY Portal.Contracts/Portal.Contracts.csproj Portal.Contracts/
COPY Portal.Kernels/Portal.Kernels.csproj Portal.Kernels/
COPY migrations/Portal.Migrations.csproj migrations/
COPY Portal.Agent/Portal.Agent.csproj Portal.Agent/
RUN dotnet restore Portal/Portal.csproj
COPY Portal/ Portal/
COPY Portal.Api/ Portal.Api/
COPY Portal.Data/ Portal.Data/
COPY Portal.Contracts/ Portal.Contracts/
COPY Portal.Kernels/ Portal.Kernels/
COPY migrations/ migrations/
# The agent too: the Release publish serves it at /agent/download/{rid} (Portal.csproj, PublishAgentDownloads).
COPY Portal.Agent/ Portal.Agent/
RUN dotnet publish Portal/Portal.csproj -c Release -o /app --no-restore

FROM mcr.microsoft.com/dotnet/aspnet:10.0
WORKDIR /app
COPY --from=build /app ./
ENV ASPNETCORE_URLS=http://+:8080
EXPOSE 8080
USER $APP_UID
HEALTHCHECK --interval=10s --timeout=6s --start-period=60s --retries=5 CMD ["dotnet", "Portal.dll", "healthcheck"]
ENTRYPOINT ["dotnet", "Portal.dll"]
