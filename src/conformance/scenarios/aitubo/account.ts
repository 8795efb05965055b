/** Account: GET /api/user/profile answers the documented shape with an integer balance. */
import { defineScenario } from "../../scenario.js";
import { aituboProfileSchema } from "../../schemas/aitubo.js";

export default defineScenario({
  name: "account",
  provider: "aitubo",
  description: "GET /api/user/profile: documented fields, integer credit",
  live: { status: "unverified" },
  cost: () => 0,
  volatileKeys: {
    credit: "<balance>",
    name: "<name>",
    email: "<email>",
    avatar: "<avatar>",
    phone: "<phone>",
  },
  async run(ctx) {
    ctx.check("profile", aituboProfileSchema, await ctx.client.profile());
  },
});
