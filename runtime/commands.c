#include "runtime/commands.h"

#include <string.h>

const struct sb_command *const sb_commands[] = {
    &sb_cmd_create, &sb_cmd_start,    &sb_cmd_run,     &sb_cmd_state, &sb_cmd_kill,
    &sb_cmd_delete, &sb_cmd_list,     &sb_cmd_ps,      &sb_cmd_exec,  &sb_cmd_validate,
    &sb_cmd_spec,   &sb_cmd_features, &sb_cmd_profile, &sb_cmd_pause, &sb_cmd_resume,
    &sb_cmd_update, &sb_cmd_events,   &sb_cmd_audit,   NULL,
};

const struct sb_command *sb_command_find(const char *name)
{
        for (size_t i = 0; sb_commands[i] != NULL; i++)
                if (strcmp(sb_commands[i]->name, name) == 0)
                        return sb_commands[i];
        return NULL;
}

void sb_command_print_help(const struct sb_command *c, FILE *out)
{
        fprintf(out, "Usage: sandbox [global options] %s\n\n%s\n", c->usage, c->summary);
        if (c->help != NULL && c->help[0] != '\0')
                fprintf(out, "\n%s", c->help);
}

bool sb_wants_help(int argc, char **argv)
{
        for (int i = 1; i < argc; i++) {
                if (strcmp(argv[i], "--") == 0 || argv[i][0] != '-')
                        return false;
                if (strcmp(argv[i], "--help") == 0 || strcmp(argv[i], "-h") == 0 ||
                    strcmp(argv[i], "-help") == 0)
                        return true;
        }
        return false;
}
