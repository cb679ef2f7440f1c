/* SPDX-License-Identifier: MIT */
/* --image, the pure parts: references, entry names, the image config as docker run reads it
 * (Entrypoint/Cmd/--entrypoint, Env under -e with the secret rule, WorkingDir, User), and the
 * options that go with it. */
#include <check.h>
#include <errno.h>
#include <stdlib.h>
#include <string.h>

#include "config.h"
#include "image.h"
#include "unit.h"

START_TEST(references)
{
        static const struct {
                const char *in;
                int transport; /* -1: refused */
                const char *path, *tag;
        } t[] = {
                {"oci:/srv/layout", IMAGE_OCI, "/srv/layout", NULL},
                {"oci:/srv/layout:attest", IMAGE_OCI, "/srv/layout", "attest"},
                {"oci-archive:img.tar:v1", IMAGE_OCI_ARCHIVE, "img.tar", "v1"},
                {"docker-archive:/x/d.tar", IMAGE_DOCKER_ARCHIVE, "/x/d.tar", NULL},
                {"docker-archive:/x/d.tar:library/busybox:1.36", IMAGE_DOCKER_ARCHIVE, "/x/d.tar", "library/busybox:1.36"},
                {"docker://busybox", -1, NULL, NULL},
                {"busybox:latest", -1, NULL, NULL},
                {"oci:", -1, NULL, NULL},
                {"oci:/x:", -1, NULL, NULL},
                {"/srv/layout", -1, NULL, NULL},
        };
        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
                struct image_ref r;
                struct dbx_error err = {0};
                int k = image_ref_parse(t[i].in, &r, &err);
                if (t[i].transport < 0) {
                        ck_assert_msg(k == -EINVAL && err.msg[0], "%s accepted", t[i].in);
                        continue;
                }
                ck_assert_msg(k == 0, "%s: %s", t[i].in, err.msg);
                ck_assert_int_eq(r.transport, t[i].transport);
                ck_assert_str_eq(r.path, t[i].path);
                if (t[i].tag)
                        ck_assert_str_eq(r.tag, t[i].tag);
                else
                        ck_assert_ptr_null(r.tag);
                image_ref_free(&r);
        }
}
END_TEST

START_TEST(entry_names)
{
        static const struct {
                const char *in, *out; /* out NULL: refused */
        } t[] = {
                {"./usr/bin/x", "usr/bin/x"}, {"/etc/passwd", "etc/passwd"}, {"a//b/./c/", "a/b/c"},
                {"./", ""}, {"../etc/passwd", NULL}, {"a/../../b", NULL}, {"a/..", NULL},
                {"/../../tmp/x", NULL}, {"..a/b..", "..a/b.."}, {".wh.x", ".wh.x"},
        };
        for (size_t i = 0; i < sizeof(t) / sizeof(t[0]); i++) {
                char out[4096];
                int k = image_path_norm(t[i].in, out, sizeof(out));
                if (!t[i].out) {
                        ck_assert_msg(k == -EXDEV, "%s not refused", t[i].in);
                        continue;
                }
                ck_assert_msg(k == 0, "%s refused", t[i].in);
                ck_assert_str_eq(out, t[i].out);
        }
        char deep[4096] = "";
        for (int i = 0; i < 200; i++)
                strcat(deep, "d/");
        char out[4096];
        ck_assert_int_eq(image_path_norm(deep, out, sizeof(out)), -ENAMETOOLONG);
}
END_TEST

static const char cfg_json[] =
        "{\"architecture\":\"amd64\",\"os\":\"linux\",\"config\":{\"User\":\"\",\"WorkingDir\":\"/app\","
        "\"Env\":[\"PATH=/usr/bin\",\"GREETING=hello\",\"API_TOKEN=x\",\"PGPASSWORD=y\"],"
        "\"Entrypoint\":[\"python3\",\"/app/main.py\"],\"Cmd\":[\"--attest\"]}}";

static void apply(const char *const *args, struct sandbox_config *c, struct image *img, int want)
{
        static char *argv[32];
        int argc = 0;
        argv[argc++] = (char *)"denybox";
        for (; *args; args++)
                argv[argc++] = (char *)*args;
        struct dbx_error err = {0};
        config_init(c);
        ck_assert_msg(config_parse(c, argc, argv, &err) == 0, "%s", err.msg);
        *img = (struct image){0};
        ck_assert_int_eq(image_config_parse(cfg_json, &img->config, &err), 0);
        ck_assert_int_eq(image_apply(c, img, &err), want);
}

START_TEST(config_as_docker_run)
{
        struct sandbox_config c;
        struct image img;

        /* nothing given: Entrypoint + Cmd, WorkingDir, Env without the secret-looking keys, 65532 */
        apply((const char *const[]){"run", "--image", "oci:/x", NULL}, &c, &img, 0);
        ck_assert_uint_eq(c.argc, 3);
        ck_assert_str_eq(c.argv[0], "python3");
        ck_assert_str_eq(c.argv[2], "--attest");
        ck_assert_str_eq(c.workdir, "/app");
        ck_assert_uint_eq(c.uid, 65532);
        ck_assert_uint_eq(c.n_env, 2);
        ck_assert_str_eq(c.env[1], "GREETING=hello");
        ck_assert_uint_eq(img.n_notes, 2); /* API_TOKEN and PGPASSWORD, reported */
        ck_assert_ptr_nonnull(strstr(img.notes[0], "API_TOKEN"));
        image_free(&img);
        config_free(&c);

        /* arguments replace Cmd; -e comes after the image's Env (and so wins); -w wins */
        apply((const char *const[]){"run", "--image", "oci:/x", "-e", "GREETING=bye", "-w", "/", "--", "-c", "1", NULL}, &c, &img, 0);
        ck_assert_uint_eq(c.argc, 4);
        ck_assert_str_eq(c.argv[1], "/app/main.py");
        ck_assert_str_eq(c.argv[2], "-c");
        ck_assert_str_eq(c.env[c.n_env - 1], "GREETING=bye");
        ck_assert_str_eq(c.workdir, "/");
        image_free(&img);
        config_free(&c);

        /* --entrypoint replaces Entrypoint and drops Cmd */
        apply((const char *const[]){"run", "--image", "oci:/x", "--entrypoint", "/bin/true", NULL}, &c, &img, 0);
        ck_assert_uint_eq(c.argc, 1);
        ck_assert_str_eq(c.argv[0], "/bin/true");
        image_free(&img);
        config_free(&c);

        /* --entrypoint "" and no arguments: nothing to run */
        apply((const char *const[]){"run", "--image", "oci:/x", "--entrypoint", "", NULL}, &c, &img, -EINVAL);
        image_free(&img);
        config_free(&c);
}
END_TEST

START_TEST(options)
{
        static const char *const bad[][8] = {
                {"run", "--image", "oci:/x", "--rootfs", "/r", NULL},
                {"run", "--entrypoint", "/x", "--", "y", NULL},
                {"attest", "--image", "oci:/x", "--entrypoint", "/x", NULL},
                {"seccomp", "--image", "oci:/x", NULL},
                {"run", "--image-cache", "/c", "--", "y", NULL},
                {"run", "--image", "oci:/x", "--image-cache", "rel", NULL},
                {"image", NULL},
                {"image", "rm", NULL},
                {"image", "frobnicate", NULL},
        };
        for (size_t i = 0; i < sizeof(bad) / sizeof(bad[0]); i++) {
                char *argv[10] = {(char *)"denybox"};
                int argc = 1;
                for (size_t k = 0; bad[i][k]; k++)
                        argv[argc++] = (char *)bad[i][k];
                struct sandbox_config c;
                struct dbx_error err = {0};
                config_init(&c);
                ck_assert_msg(config_parse(&c, argc, argv, &err) < 0 && err.msg[0], "case %zu accepted", i);
                config_free(&c);
        }
        char *ok[] = {(char *)"denybox", (char *)"image", (char *)"ls", (char *)"--image-cache", (char *)"/c", NULL};
        struct sandbox_config c;
        struct dbx_error err = {0};
        config_init(&c);
        ck_assert_msg(config_parse(&c, 5, ok, &err) == 0, "%s", err.msg);
        ck_assert_int_eq(c.command, CMD_IMAGE);
        ck_assert_str_eq(c.image_cache, "/c");
        config_free(&c);
}
END_TEST

int main(void)
{
        Suite *s = suite_create("image");
        TCase *tc = tcase_create("image");
        tcase_add_test(tc, references);
        tcase_add_test(tc, entry_names);
        tcase_add_test(tc, config_as_docker_run);
        tcase_add_test(tc, options);
        suite_add_tcase(s, tc);
        return run_suite_tap(s);
}
