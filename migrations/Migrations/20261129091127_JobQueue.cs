using System;
using System.Collections.Generic;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class JobQueue : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.CreateTable(
                name: "agent_registration_tokens",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    secret_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    created_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    last_used_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    registrations = table.Column<int>(type: "integer", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agent_registration_tokens", x => x.id);
                    table.ForeignKey(
                        name: "fk_agent_registration_tokens_organizations_organization_id",
                        column: x => x.organization_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "test_suites",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    slug = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    built_in = table.Column<bool>(type: "boolean", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_test_suites", x => x.id);
                });

            migrationBuilder.CreateTable(
                name: "agents",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    hostname = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    agent_version = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    engine_version = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    token_prefix = table.Column<string>(type: "character varying(16)", maxLength: 16, nullable: false),
                    token_hash = table.Column<byte[]>(type: "bytea", nullable: false),
                    registration_token_id = table.Column<Guid>(type: "uuid", nullable: true),
                    registered_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_heartbeat_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    revoked_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agents", x => x.id);
                    table.ForeignKey(
                        name: "fk_agents_agent_registration_tokens_registration_token_id",
                        column: x => x.registration_token_id,
                        principalTable: "agent_registration_tokens",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_agents_organizations_organization_id",
                        column: x => x.organization_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateTable(
                name: "compatibility_tests",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    name = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    description = table.Column<string>(type: "character varying(4000)", maxLength: 4000, nullable: false),
                    organization_id = table.Column<Guid>(type: "uuid", nullable: true),
                    owner_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    visibility = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    tags = table.Column<List<string>>(type: "text[]", nullable: false),
                    suite_id = table.Column<Guid>(type: "uuid", nullable: true),
                    op = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    language = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    spec = table.Column<string>(type: "jsonb", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    updated_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    xmin = table.Column<uint>(type: "xid", rowVersion: true, nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_compatibility_tests", x => x.id);
                    table.ForeignKey(
                        name: "fk_compatibility_tests_organizations_organization_id",
                        column: x => x.organization_id,
                        principalTable: "organizations",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                    table.ForeignKey(
                        name: "fk_compatibility_tests_test_suites_suite_id",
                        column: x => x.suite_id,
                        principalTable: "test_suites",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "agent_devices",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    agent_id = table.Column<Guid>(type: "uuid", nullable: false),
                    local_id = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: false),
                    name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: false),
                    vendor = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    runtime = table.Column<string>(type: "character varying(50)", maxLength: 50, nullable: false),
                    runtime_version = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    driver_version = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: false),
                    languages = table.Column<List<string>>(type: "text[]", nullable: false),
                    memory_bytes = table.Column<long>(type: "bigint", nullable: false),
                    compute_units = table.Column<int>(type: "integer", nullable: false),
                    sku_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sku_set_by_hand = table.Column<bool>(type: "boolean", nullable: false),
                    present = table.Column<bool>(type: "boolean", nullable: false),
                    first_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    last_seen_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_agent_devices", x => x.id);
                    table.ForeignKey(
                        name: "fk_agent_devices_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_agent_devices_hardware_skus_sku_id",
                        column: x => x.sku_id,
                        principalTable: "hardware_skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                });

            migrationBuilder.CreateTable(
                name: "test_runs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    test_id = table.Column<Guid>(type: "uuid", nullable: true),
                    suite_id = table.Column<Guid>(type: "uuid", nullable: true),
                    requested_by_user_id = table.Column<Guid>(type: "uuid", nullable: true),
                    reason = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_test_runs", x => x.id);
                    table.CheckConstraint("ck_test_runs_subject", "test_id is not null or suite_id is not null");
                    table.ForeignKey(
                        name: "fk_test_runs_compatibility_tests_test_id",
                        column: x => x.test_id,
                        principalTable: "compatibility_tests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_test_runs_test_suites_suite_id",
                        column: x => x.suite_id,
                        principalTable: "test_suites",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Restrict);
                });

            migrationBuilder.CreateTable(
                name: "jobs",
                columns: table => new
                {
                    id = table.Column<Guid>(type: "uuid", nullable: false),
                    run_id = table.Column<Guid>(type: "uuid", nullable: false),
                    test_id = table.Column<Guid>(type: "uuid", nullable: false),
                    language = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    target_device_id = table.Column<Guid>(type: "uuid", nullable: true),
                    target_sku_id = table.Column<Guid>(type: "uuid", nullable: true),
                    status = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: false),
                    attempts = table.Column<int>(type: "integer", nullable: false),
                    max_attempts = table.Column<int>(type: "integer", nullable: false),
                    created_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: false),
                    retry_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    lease_id = table.Column<Guid>(type: "uuid", nullable: true),
                    lease_expires_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    leased_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    started_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    finished_at = table.Column<DateTimeOffset>(type: "timestamp with time zone", nullable: true),
                    cancel_requested = table.Column<bool>(type: "boolean", nullable: false),
                    agent_id = table.Column<Guid>(type: "uuid", nullable: true),
                    device_id = table.Column<Guid>(type: "uuid", nullable: true),
                    lease_holders = table.Column<List<Guid>>(type: "uuid[]", nullable: false),
                    verdict = table.Column<string>(type: "character varying(20)", maxLength: 20, nullable: true),
                    result = table.Column<string>(type: "jsonb", nullable: true),
                    failure_reason = table.Column<string>(type: "character varying(1000)", maxLength: 1000, nullable: true),
                    agent_organization_id = table.Column<Guid>(type: "uuid", nullable: true),
                    sku_id = table.Column<Guid>(type: "uuid", nullable: true),
                    device_name = table.Column<string>(type: "character varying(300)", maxLength: 300, nullable: true),
                    driver_version = table.Column<string>(type: "character varying(200)", maxLength: 200, nullable: true),
                    agent_version = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    engine_version = table.Column<string>(type: "character varying(100)", maxLength: 100, nullable: true),
                    verified = table.Column<bool>(type: "boolean", nullable: false)
                },
                constraints: table =>
                {
                    table.PrimaryKey("pk_jobs", x => x.id);
                    table.CheckConstraint("ck_jobs_attempts", "attempts >= 0 and max_attempts >= 1");
                    table.CheckConstraint("ck_jobs_target", "target_device_id is not null or target_sku_id is not null");
                    table.ForeignKey(
                        name: "fk_jobs_agent_devices_device_id",
                        column: x => x.device_id,
                        principalTable: "agent_devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_jobs_agent_devices_target_device_id",
                        column: x => x.target_device_id,
                        principalTable: "agent_devices",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_jobs_agents_agent_id",
                        column: x => x.agent_id,
                        principalTable: "agents",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_jobs_compatibility_tests_test_id",
                        column: x => x.test_id,
                        principalTable: "compatibility_tests",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_jobs_hardware_skus_sku_id",
                        column: x => x.sku_id,
                        principalTable: "hardware_skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.SetNull);
                    table.ForeignKey(
                        name: "fk_jobs_hardware_skus_target_sku_id",
                        column: x => x.target_sku_id,
                        principalTable: "hardware_skus",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                    table.ForeignKey(
                        name: "fk_jobs_test_runs_run_id",
                        column: x => x.run_id,
                        principalTable: "test_runs",
                        principalColumn: "id",
                        onDelete: ReferentialAction.Cascade);
                });

            migrationBuilder.CreateIndex(
                name: "ix_agent_devices_agent_id_local_id",
                table: "agent_devices",
                columns: new[] { "agent_id", "local_id" },
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_agent_devices_sku_id",
                table: "agent_devices",
                column: "sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_agent_registration_tokens_organization_id",
                table: "agent_registration_tokens",
                column: "organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_agent_registration_tokens_secret_hash",
                table: "agent_registration_tokens",
                column: "secret_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_agents_organization_id",
                table: "agents",
                column: "organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_agents_registration_token_id",
                table: "agents",
                column: "registration_token_id");

            migrationBuilder.CreateIndex(
                name: "ix_agents_token_hash",
                table: "agents",
                column: "token_hash",
                unique: true);

            migrationBuilder.CreateIndex(
                name: "ix_compatibility_tests_language_op",
                table: "compatibility_tests",
                columns: new[] { "language", "op" });

            migrationBuilder.CreateIndex(
                name: "ix_compatibility_tests_name",
                table: "compatibility_tests",
                column: "name");

            migrationBuilder.CreateIndex(
                name: "ix_compatibility_tests_organization_id",
                table: "compatibility_tests",
                column: "organization_id");

            migrationBuilder.CreateIndex(
                name: "ix_compatibility_tests_suite_id",
                table: "compatibility_tests",
                column: "suite_id");

            migrationBuilder.CreateIndex(
                name: "ix_compatibility_tests_tags",
                table: "compatibility_tests",
                column: "tags")
                .Annotation("Npgsql:IndexMethod", "gin");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_agent_id",
                table: "jobs",
                column: "agent_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_device_id",
                table: "jobs",
                column: "device_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_held",
                table: "jobs",
                column: "lease_expires_at",
                filter: "status in ('leased', 'running')");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_queued",
                table: "jobs",
                columns: new[] { "language", "created_at" },
                filter: "status = 'queued'");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_retrying",
                table: "jobs",
                column: "retry_at",
                filter: "status = 'retrying'");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_run_id",
                table: "jobs",
                column: "run_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_target_device_id",
                table: "jobs",
                column: "target_device_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_target_sku_id",
                table: "jobs",
                column: "target_sku_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_test_id",
                table: "jobs",
                column: "test_id");

            migrationBuilder.CreateIndex(
                name: "ix_jobs_verdicts",
                table: "jobs",
                columns: new[] { "sku_id", "test_id", "finished_at" },
                filter: "status = 'completed'");

            migrationBuilder.CreateIndex(
                name: "ix_test_runs_requested_by_user_id",
                table: "test_runs",
                column: "requested_by_user_id");

            migrationBuilder.CreateIndex(
                name: "ix_test_runs_suite_id",
                table: "test_runs",
                column: "suite_id");

            migrationBuilder.CreateIndex(
                name: "ix_test_runs_test_id",
                table: "test_runs",
                column: "test_id");

            migrationBuilder.CreateIndex(
                name: "ix_test_suites_slug",
                table: "test_suites",
                column: "slug",
                unique: true);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropTable(
                name: "jobs");

            migrationBuilder.DropTable(
                name: "agent_devices");

            migrationBuilder.DropTable(
                name: "test_runs");

            migrationBuilder.DropTable(
                name: "agents");

            migrationBuilder.DropTable(
                name: "compatibility_tests");

            migrationBuilder.DropTable(
                name: "agent_registration_tokens");

            migrationBuilder.DropTable(
                name: "test_suites");
        }
    }
}
