using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class PublicRecord : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "embargo_until",
                table: "sovereign_deployments",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "publication",
                table: "sovereign_deployments",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "public");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "embargo_until",
                table: "hardware_skus",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.AddColumn<string>(
                name: "publication",
                table: "hardware_skus",
                type: "character varying(20)",
                maxLength: 20,
                nullable: false,
                defaultValue: "public");

            migrationBuilder.AddColumn<DateTimeOffset>(
                name: "embargo_until",
                table: "compatibility_tests",
                type: "timestamp with time zone",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_sovereign_deployments_publication_embargo_until",
                table: "sovereign_deployments",
                columns: new[] { "publication", "embargo_until" });

            migrationBuilder.CreateIndex(
                name: "ix_hardware_skus_publication_embargo_until",
                table: "hardware_skus",
                columns: new[] { "publication", "embargo_until" });

            migrationBuilder.CreateIndex(
                name: "ix_compatibility_tests_embargo_until",
                table: "compatibility_tests",
                column: "embargo_until",
                filter: "embargo_until IS NOT NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_sovereign_deployments_publication_embargo_until",
                table: "sovereign_deployments");

            migrationBuilder.DropIndex(
                name: "ix_hardware_skus_publication_embargo_until",
                table: "hardware_skus");

            migrationBuilder.DropIndex(
                name: "ix_compatibility_tests_embargo_until",
                table: "compatibility_tests");

            migrationBuilder.DropColumn(
                name: "embargo_until",
                table: "sovereign_deployments");

            migrationBuilder.DropColumn(
                name: "publication",
                table: "sovereign_deployments");

            migrationBuilder.DropColumn(
                name: "embargo_until",
                table: "hardware_skus");

            migrationBuilder.DropColumn(
                name: "publication",
                table: "hardware_skus");

            migrationBuilder.DropColumn(
                name: "embargo_until",
                table: "compatibility_tests");
        }
    }
}
