using System;
using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class TokenParents : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.AddColumn<Guid>(
                name: "parent_token_id",
                table: "api_tokens",
                type: "uuid",
                nullable: true);

            migrationBuilder.AddColumn<Guid>(
                name: "parent_token_id",
                table: "agent_registration_tokens",
                type: "uuid",
                nullable: true);

            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_parent_token_id",
                table: "api_tokens",
                column: "parent_token_id");

            migrationBuilder.CreateIndex(
                name: "ix_agent_registration_tokens_parent_token_id",
                table: "agent_registration_tokens",
                column: "parent_token_id");

            migrationBuilder.AddForeignKey(
                name: "fk_agent_registration_tokens_api_tokens_parent_token_id",
                table: "agent_registration_tokens",
                column: "parent_token_id",
                principalTable: "api_tokens",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);

            migrationBuilder.AddForeignKey(
                name: "fk_api_tokens_api_tokens_parent_token_id",
                table: "api_tokens",
                column: "parent_token_id",
                principalTable: "api_tokens",
                principalColumn: "id",
                onDelete: ReferentialAction.Cascade);
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropForeignKey(
                name: "fk_agent_registration_tokens_api_tokens_parent_token_id",
                table: "agent_registration_tokens");

            migrationBuilder.DropForeignKey(
                name: "fk_api_tokens_api_tokens_parent_token_id",
                table: "api_tokens");

            migrationBuilder.DropIndex(
                name: "ix_api_tokens_parent_token_id",
                table: "api_tokens");

            migrationBuilder.DropIndex(
                name: "ix_agent_registration_tokens_parent_token_id",
                table: "agent_registration_tokens");

            migrationBuilder.DropColumn(
                name: "parent_token_id",
                table: "api_tokens");

            migrationBuilder.DropColumn(
                name: "parent_token_id",
                table: "agent_registration_tokens");
        }
    }
}
