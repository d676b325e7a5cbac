using Microsoft.EntityFrameworkCore.Migrations;

#nullable disable

namespace Portal.Migrations.Migrations
{
    /// <inheritdoc />
    public partial class UniqueTokenNames : Migration
    {
        /// <inheritdoc />
        protected override void Up(MigrationBuilder migrationBuilder)
        {
            // Tokens made before names had to differ: each later namesake gets its prefix appended (kept within 100 characters),
            // so the index can be built and a person can tell them apart.
            migrationBuilder.Sql("""
                UPDATE api_tokens t SET name = left(t.name, 100 - length(t.prefix) - 3) || ' (' || t.prefix || ')'
                FROM (SELECT id, row_number() OVER (PARTITION BY user_id, name ORDER BY created_at, id) AS n
                      FROM api_tokens WHERE revoked_at IS NULL) d
                WHERE t.id = d.id AND d.n > 1;
                """);
            migrationBuilder.CreateIndex(
                name: "ix_api_tokens_user_id_name",
                table: "api_tokens",
                columns: new[] { "user_id", "name" },
                unique: true,
                filter: "revoked_at IS NULL");
        }

        /// <inheritdoc />
        protected override void Down(MigrationBuilder migrationBuilder)
        {
            migrationBuilder.DropIndex(
                name: "ix_api_tokens_user_id_name",
                table: "api_tokens");
        }
    }
}
